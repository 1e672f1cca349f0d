import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../../test/database.ts';
import { availableParallelism } from 'node:os';
import { fitBudget, freeConnections, localServerCores } from './pool-budget.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

test('the budget always fits the free connections, shrinking internal concurrency first', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 2, max: 300 }), (concurrency, internal, free) => {
      const budget = fitBudget({ concurrency, internalConcurrency: internal }, free);
      expect(budget.poolSize).toBeLessThanOrEqual(free);
      expect(budget.concurrency * budget.internalConcurrency + 1).toBeLessThanOrEqual(Math.max(free, 2));
      if (concurrency * internal + 1 <= free) expect(budget).toMatchObject({ concurrency, internalConcurrency: internal, notice: null });
      else expect(budget.notice).toMatch(/more connection/);
      if (budget.concurrency < concurrency) expect(budget.internalConcurrency).toBe(1);
    }),
  );
});

test('merge workers: one per file slot, at most the cores of a server on this machine, never none', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 2, max: 300 }), fc.option(fc.integer({ min: 1, max: 64 })), (concurrency, free, cores) => {
      const budget = fitBudget({ concurrency, internalConcurrency: 2 }, free, cores);
      expect(budget.mergeWorkers).toBeGreaterThanOrEqual(1);
      expect(budget.mergeWorkers).toBeLessThanOrEqual(budget.concurrency);
      if (cores !== null) expect(budget.mergeWorkers).toBeLessThanOrEqual(cores);
      // Nothing to fit: every file slot merges.
      if (cores === null || cores >= budget.concurrency) expect(budget.mergeWorkers).toBe(budget.concurrency);
    }),
  );
});

test('a server reached over loopback counts as on this machine', async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const cores = await localServerCores(client).finally(() => client.end());
  expect(new URL(db.url).hostname).toMatch(/^(127\.|localhost$|\[::1\]$)/);
  expect(cores).toBe(availableParallelism());
});

test('free connections come from the real server and drop as connections are opened', async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const before = await freeConnections(client);
  const others = await Promise.all([1, 2, 3].map(async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    return c;
  }));
  const after = await freeConnections(client);
  await Promise.all(others.map((c) => c.end()));
  await client.end();
  expect(before).toBeGreaterThan(3);
  expect(after).toBeLessThanOrEqual(before - 3);
});

test('a per-database connection limit is respected', async () => {
  await db.query(`ALTER DATABASE ${db.name} CONNECTION LIMIT 3`);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const free = await freeConnections(client);
  await client.end();
  await db.query(`ALTER DATABASE ${db.name} CONNECTION LIMIT -1`);
  expect(free).toBeLessThanOrEqual(3);
});
