// The runtime's SQL on its own, against a real server: locks seen from two sessions, free
// connections, asynchronous commit.
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../../test/database.ts';
import { quoteIdent } from '../../sql/identifiers.ts';
import {
  ADVISORY_LOCK_SQL,
  ADVISORY_UNLOCK_SQL,
  ADVISORY_XACT_LOCK_SQL,
  ASYNC_COMMIT,
  FREE_CONNECTIONS_SQL,
  TRY_ADVISORY_LOCK_SQL,
} from './sql.ts';

const LOCK_CLASS = 42;

let db: TestDatabase;
const sessions: pg.Client[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
  for (let i = 0; i < 2; i++) {
    const session = new pg.Client({ connectionString: db.url });
    await session.connect();
    sessions.push(session);
  }
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.end()));
  await db.drop();
});

const session = (i: number): pg.Client => {
  const found = sessions[i];
  if (!found) throw new Error(`no session ${i}`);
  return found;
};

const tryLock = async (s: pg.Client, name: string) => (await s.query<{ ok: boolean }>(TRY_ADVISORY_LOCK_SQL, [LOCK_CLASS, name])).rows[0]?.ok;

test('a session lock keeps others out until it is released; the same name in another class is free', async () => {
  await session(0).query(ADVISORY_LOCK_SQL, [LOCK_CLASS, 'run a']);
  expect(await tryLock(session(1), 'run a')).toBe(false);
  expect(await tryLock(session(1), 'run b')).toBe(true);
  expect((await session(1).query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [LOCK_CLASS + 1, 'run a'])).rows[0]?.ok).toBe(true);
  await session(0).query(ADVISORY_UNLOCK_SQL, [LOCK_CLASS, 'run a']);
  expect(await tryLock(session(1), 'run a')).toBe(true);
  await session(1).query('SELECT pg_advisory_unlock_all()');
});

test('a transaction lock holds until the transaction ends', async () => {
  await session(0).query('BEGIN');
  await session(0).query(ADVISORY_XACT_LOCK_SQL, [LOCK_CLASS, 'part 3']);
  expect(await tryLock(session(1), 'part 3')).toBe(false);
  await session(0).query('COMMIT');
  expect(await tryLock(session(1), 'part 3')).toBe(true);
  await session(1).query('SELECT pg_advisory_unlock_all()');
});

test('free connections shrink by one per session opened, and honour the database limit', async () => {
  const free = async () => (await session(0).query<{ free: number }>(FREE_CONNECTIONS_SQL)).rows[0]?.free ?? 0;
  const before = await free();
  const extra = new pg.Client({ connectionString: db.url });
  await extra.connect();
  const after = await free();
  await extra.end();
  expect(after).toBe(before - 1);
  await db.query(`ALTER DATABASE ${quoteIdent(db.name)} CONNECTION LIMIT 5`);
  // The pool of the test database may hold connections too: count them.
  const ours = await session(0).query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()');
  expect(await free()).toBe(5 - (ours.rows[0]?.n ?? 0) + 1);
  await db.query(`ALTER DATABASE ${quoteIdent(db.name)} CONNECTION LIMIT -1`);
});

test('asynchronous commit applies to its transaction only', async () => {
  const setting = async () => (await session(0).query<{ v: string }>("SELECT current_setting('synchronous_commit') AS v")).rows[0]?.v;
  // The test server runs with synchronous_commit off: this session asks for the usual setting.
  await session(0).query('SET synchronous_commit = on');
  await session(0).query('BEGIN');
  await session(0).query(ASYNC_COMMIT);
  expect(await setting()).toBe('off');
  await session(0).query('COMMIT');
  expect(await setting()).toBe('on');
});
