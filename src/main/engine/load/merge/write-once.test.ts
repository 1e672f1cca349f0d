// A key several files hold is written once per run, by the file whose row ends in the table; the
// counts say what the table saw, and the preview predicts them.
import { beforeEach, expect, test } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';
import { PreviewSession } from '../../preview/preview-session.ts';

const t = useTestHarness();

/** Every row's key with the transaction that wrote its current version. */
async function versions(): Promise<Map<string, string>> {
  const rows = await t.db.query<{ id: string; xmin: string }>('SELECT id::text AS id, xmin::text AS xmin FROM owned');
  return new Map(rows.map((r) => [r.id, r.xmin]));
}

beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS owned; DROP SCHEMA IF EXISTS keyload CASCADE');
  await t.db.query('CREATE TABLE owned (id int PRIMARY KEY, name text, version int)');
});

test('each key is written by its winning file only; losing rows count as superseded, and the preview says the same', async () => {
  await t.db.query(`INSERT INTO owned VALUES (1, 'a', 1)`);
  const before = await versions();
  const f1 = await t.h.file('o1.csv', 'id,name,version\n1,x,1\n2,x,1\n');
  const f2 = await t.h.file('o2.csv', 'id,name,version\n2,y,2\n3,y,2\n');
  const f3 = await t.h.file('o3.csv', 'id,name,version\n3,z,3\n1,a,1\n');
  const options = { files: [f1, f2, f3], table: 'owned' };
  const preview = await PreviewSession.open({ connectionString: t.db.url }, options);
  const predicted = await preview.summary().finally(() => preview.close());

  const result = await t.h.load(options);
  expect(result.exitCode).toBe(0);
  const counts = result.files.map((f) => f.counts);
  expect(counts[0]).toMatchObject({ read: 2, inserted: 0, updated: 0, unchanged: 0, superseded: 2, collapsed: 0 });
  expect(counts[1]).toMatchObject({ read: 2, inserted: 1, updated: 0, unchanged: 0, superseded: 1, collapsed: 0 });
  expect(counts[2]).toMatchObject({ read: 2, inserted: 1, updated: 0, unchanged: 1, superseded: 0, collapsed: 0 });
  expect(predicted.files.map((f) => f.counts)).toEqual(counts);
  expect(await t.db.query('SELECT id, name FROM owned ORDER BY id')).toEqual([
    { id: 1, name: 'a' },
    { id: 2, name: 'y' },
    { id: 3, name: 'z' },
  ]);
  // Key 1 ends as it was stored: no file wrote a version of it, not even f1's passing 'x'.
  expect((await versions()).get('1')).toBe(before.get('1'));
});

test('a forced re-run of identical overlapping files writes no row version', async () => {
  const files = await Promise.all(
    Array.from({ length: 6 }, (_, i) => {
      const rows = Array.from({ length: 40 }, (_, j) => `${(i * 15 + j) % 100},n${i}-${j % 7},${i}`);
      return t.h.file(`same-${i}.csv`, `id,name,version\n${rows.join('\n')}\n`);
    }),
  );
  const first = await t.h.load({ files, table: 'owned', concurrency: 3, batchSize: 10 });
  expect(first.exitCode).toBe(0);
  expect(first.totals.superseded).toBeGreaterThan(0);
  const before = await versions();
  const forced = await t.h.load({ files, table: 'owned', concurrency: 3, batchSize: 10, force: true });
  expect(forced.totals).toMatchObject({ inserted: 0, updated: 0, superseded: first.totals.superseded });
  expect(forced.totals.unchanged).toBe(before.size);
  expect(await versions()).toEqual(before);
});

test('under the version policy the newest version owns the key, and a stored newer row is kept', async () => {
  await t.db.query(`INSERT INTO owned VALUES (9, 'stored', 50)`);
  const f1 = await t.h.file('v1.csv', 'id,name,version\n1,old,1\n2,new,8\n9,mine,40\n');
  const f2 = await t.h.file('v2.csv', 'id,name,version\n1,new,5\n2,old,3\n9,mine,45\n');
  const result = await t.h.load({ files: [f1, f2], table: 'owned', conflictPolicy: 'version', versionColumn: 'version' });
  expect(result.files.map((f) => f.counts)).toMatchObject([
    { inserted: 1, superseded: 2 },
    { inserted: 1, unchanged: 1, superseded: 1 },
  ]);
  expect(await t.db.query('SELECT id, name, version FROM owned ORDER BY id')).toEqual([
    { id: 1, name: 'new', version: 5 },
    { id: 2, name: 'new', version: 8 },
    { id: 9, name: 'stored', version: 50 },
  ]);
});

test('a row the table refuses fails only its file: the partition merges again one file at a time to find it', async () => {
  await t.db.query('ALTER TABLE owned ADD CONSTRAINT version_below_100 CHECK (version < 100)');
  const f1 = await t.h.file('c1.csv', 'id,name,version\n1,a,1\n2,a,1\n');
  const f2 = await t.h.file('c2.csv', 'id,name,version\n2,b,2\n3,b,2\n4,refused,500\n');
  const f3 = await t.h.file('c3.csv', 'id,name,version\n3,c,3\n5,c,3\n');
  const result = await t.h.load({ files: [f1, f2, f3], table: 'owned' });
  // c2's units in other partitions commit, so it is failed or partly loaded.
  expect(result.files.map((f) => f.status)).toEqual(['loaded', expect.stringMatching(/^(failed|partly-loaded)$/), 'loaded']);
  expect(result.files[1]?.error).toMatchObject({ code: '23514', file: f2 });
  expect(result.files[1]?.error?.message).toContain('version_below_100');
  expect(result.events.some((e) => e.type === 'notice' && /one at a time/.test(e.message))).toBe(true);
  // Key 2 is c2's (the last file holding it): written only if its partition is not key 4's; 3 is c3's.
  const rows = await t.db.query<{ id: number; name: string }>('SELECT id, name FROM owned ORDER BY id');
  expect(rows.filter((r) => r.id !== 2)).toEqual([
    { id: 1, name: 'a' },
    { id: 3, name: 'c' },
    { id: 5, name: 'c' },
  ]);
  expect(rows.filter((r) => r.id === 2).map((r) => r.name)).not.toContain('a');
});
