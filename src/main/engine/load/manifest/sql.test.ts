// The manifest's SQL on its own, against a real server, in a schema whose name needs quoting:
// creation and upgrade, file and progress rows, and --claim's queue seen from two sessions.
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../../test/database.ts';
import { quoteIdent } from '../../sql/identifiers.ts';
import {
  claimNextSql,
  claimStatesSql,
  clearProgressSql,
  createManifestSql,
  CURRENT_IDENTITY_SQL,
  enqueueSql,
  forgetFileSql,
  MANIFEST_CURRENT_SQL,
  manifestTable,
  markFailedSql,
  progressTable,
  readManifestSql,
  readProgressSql,
  renewLeaseSql,
  TABLE_EXISTS_SQL,
  tableEmptySql,
  writeManifestSql,
  writeProgressSql,
} from './sql.ts';

const SCHEMA = 'mani"fest ü';
const TARGET = 'public.tar"get';
/** TARGET as SQL names it. */
const RELATION = 'public."tar""get"';

let db: TestDatabase;
const create = async () => {
  for (const statement of createManifestSql(SCHEMA)) await db.query(statement);
};
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

const exists = async (table: string) => (await db.query<{ ok: boolean }>(TABLE_EXISTS_SQL, [table]))[0]?.ok;
const current = async () => (await db.query<{ ok: boolean }>(MANIFEST_CURRENT_SQL, [manifestTable(SCHEMA), progressTable(SCHEMA)]))[0]?.ok;

test('the manifest is created once, and a manifest from an earlier version gains the later columns', async () => {
  expect(await exists(manifestTable(SCHEMA))).toBe(false);
  // An earlier version's manifest: no parts, claim columns or error, and a status check.
  await db.query(`CREATE SCHEMA ${quoteIdent(SCHEMA)}`);
  await db.query(`CREATE TABLE ${manifestTable(SCHEMA)} (sha256 text NOT NULL, target_table text NOT NULL, path text NOT NULL, size_bytes bigint NOT NULL,
    mtime timestamptz NOT NULL, status text NOT NULL CONSTRAINT keyload_manifest_status_check CHECK (status IN ('loading', 'loaded')), mode text NOT NULL,
    batch_rows integer NOT NULL, batches_done integer NOT NULL, rows_read bigint NOT NULL, inserted bigint NOT NULL, updated bigint NOT NULL,
    unchanged bigint NOT NULL, collapsed bigint NOT NULL, rejected bigint NOT NULL, run_id text NOT NULL, seconds double precision NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (sha256, target_table))`);
  await db.query(`INSERT INTO ${manifestTable(SCHEMA)} VALUES ('old', $1, '/old.csv', 1, now(), 'loaded', 'upsert', 10, 1, 1, 1, 0, 0, 0, 0, 'r0', 0.5)`, [TARGET]);
  expect(await current()).toBe(false);
  await create();
  expect(await current()).toBe(true);
  await create();
  expect(await exists(progressTable(SCHEMA))).toBe(true);
  expect(await db.query(readManifestSql(SCHEMA), ['old', TARGET])).toMatchObject([{ status: 'loaded', parts: 1, claimed_by: null, error: null, table_oid: null, table_storage: null }]);
  // The status check is gone: --claim writes queued and failed.
  await db.query(`UPDATE ${manifestTable(SCHEMA)} SET status = 'queued'`);
  await db.query(`DELETE FROM ${manifestTable(SCHEMA)}`);
});

test('a file row is written, then overwritten for the same content and target; progress rows are kept per part and cleared', async () => {
  await create();
  const write = (status: string, batchesDone: number, inserted: number) =>
    db.query(writeManifestSql(SCHEMA), ['abc', TARGET, '/a "b".csv', 100, new Date('2024-01-02T03:04:05Z'), status, 'upsert', 50, batchesDone, 7, inserted, 2, 1, 1, 0, 'run-1', 1.5, 4, 3, RELATION, JSON.stringify([['10', 'a'], ['20', 'b"c']])]);
  await write('loading', 1, 3);
  await write('loaded', 2, 4);
  const rows = await db.query(readManifestSql(SCHEMA), ['abc', TARGET]);
  expect(rows).toMatchObject([{ path: '/a "b".csv', status: 'loaded', batches_done: 2, rows_read: '7', inserted: '4', updated: '2', unchanged: '1', collapsed: '1', parts: 4, run_id: 'run-1', superseded: '3', unit_bounds: [['10', 'a'], ['20', 'b"c']] }]);
  expect(await db.query(readManifestSql(SCHEMA), ['abc', 'public.other'])).toEqual([]);

  const progress = (part: number, done: boolean, inserted: number) => db.query(writeProgressSql(SCHEMA), ['abc', TARGET, part, 2, 50, 1, done, inserted, 0, 0]);
  await progress(1, false, 5);
  await progress(0, false, 1);
  await progress(1, true, 9);
  const units = await db.query(readProgressSql(SCHEMA), ['abc', TARGET]);
  expect(units).toMatchObject([{ part: 0, done: false, inserted: '1' }, { part: 1, done: true, inserted: '9' }]);
  await db.query(clearProgressSql(SCHEMA), ['abc', TARGET]);
  expect(await db.query(readProgressSql(SCHEMA), ['abc', TARGET])).toEqual([]);
  await progress(0, false, 1);
  for (const statement of forgetFileSql(SCHEMA)) await db.query(statement, ['abc', TARGET]);
  expect(await db.query(readManifestSql(SCHEMA), ['abc', TARGET])).toEqual([]);
  expect(await db.query(readProgressSql(SCHEMA), ['abc', TARGET])).toEqual([]);
});

test('the identity a row records is the table\'s oid and the filenodes of its leaves: TRUNCATE and VACUUM FULL change the storage, DROP + CREATE the oid', async () => {
  await create();
  await db.query(`CREATE TABLE ${RELATION} (k int)`);
  const identity = async () => (await db.query<{ oid: string; storage: string }>(CURRENT_IDENTITY_SQL, [RELATION]))[0];
  const empty = async () => (await db.query<{ empty: boolean }>(tableEmptySql(RELATION)))[0]?.empty;
  await db.query(writeManifestSql(SCHEMA), ['id1', TARGET, '/x.csv', 1, new Date(), 'loaded', 'append', 10, 1, 1, 1, 0, 0, 0, 0, 'r', 0, 1, 0, RELATION, null]);
  const first = await identity();
  expect(await db.query(readManifestSql(SCHEMA), ['id1', TARGET])).toMatchObject([{ table_oid: first?.oid, table_storage: first?.storage }]);
  expect(first?.storage).toMatch(/^\d+$/);
  await db.query(`INSERT INTO ${RELATION} VALUES (1)`);
  expect(await empty()).toBe(false);
  await db.query(`VACUUM FULL ${RELATION}`);
  const vacuumed = await identity();
  expect(vacuumed?.oid).toBe(first?.oid);
  expect(vacuumed?.storage).not.toBe(first?.storage);
  await db.query(`TRUNCATE ${RELATION}`);
  expect((await identity())?.storage).not.toBe(vacuumed?.storage);
  expect(await empty()).toBe(true);
  // A partitioned table: the storage of each leaf, in a stable order.
  await db.query(`DROP TABLE ${RELATION}; CREATE TABLE ${RELATION} (k int) PARTITION BY HASH (k)`);
  for (const r of [0, 1]) await db.query(`CREATE TABLE public."tar""get_${r}" PARTITION OF ${RELATION} FOR VALUES WITH (MODULUS 2, REMAINDER ${r})`);
  const partitioned = await identity();
  expect(partitioned?.oid).not.toBe(first?.oid);
  expect(partitioned?.storage).toMatch(/^\d+,\d+$/);
  await db.query(`TRUNCATE ${RELATION}`);
  expect((await identity())?.storage).not.toBe(partitioned?.storage);
  await db.query(`DROP TABLE ${RELATION}`);
  expect(await identity()).toEqual({ oid: null, storage: null });
});

test('claim: queued files go to one claimer each, leases renew only for their holder, a lapsed lease is taken over, failed files re-queue', async () => {
  await create();
  const files = ['c1', 'c2', 'c3'];
  const enqueue = (sha: string) => db.query(enqueueSql(SCHEMA), [sha, TARGET, `/${sha}.csv`, 10, new Date(), 'append', 100, 'run-q']);
  for (const sha of files) await enqueue(sha);
  await enqueue('c1'); // queued already: left alone
  const a = new pg.Client({ connectionString: db.url });
  const b = new pg.Client({ connectionString: db.url });
  await Promise.all([a.connect(), b.connect()]);
  try {
    const claim = async (session: pg.Client, claimer: string, lease: number) =>
      (await session.query<{ sha256: string }>(claimNextSql(SCHEMA), [TARGET, files, claimer, lease])).rows[0]?.sha256 ?? null;
    // While a holds c1's row locked, b skips it instead of waiting.
    await a.query('BEGIN');
    expect(await claim(a, 'a', 60)).toBe('c1');
    expect(await claim(b, 'b', 60)).toBe('c2');
    await a.query('COMMIT');
    expect(await claim(b, 'b', -1)).toBe('c3'); // a lease that has already run out
    expect(await claim(b, 'b', 60)).toBe(null); // ... but not by its own holder, which may still be loading it
    expect(await claim(a, 'a', 60)).toBe('c3'); // taken over
    expect(await claim(b, 'b', 60)).toBe(null);

    const renew = async (claimer: string, sha: string) => (await db.query(`WITH r AS (${renewLeaseSql(SCHEMA)} RETURNING 1) SELECT count(*)::int AS n FROM r`, [sha, TARGET, claimer, 60]))[0]?.n;
    expect(await renew('a', 'c1')).toBe(1);
    expect(await renew('b', 'c1')).toBe(0);
    expect(await renew('b', 'c3')).toBe(0); // no longer b's

    await db.query(markFailedSql(SCHEMA), ['c2', TARGET, 'a', 'not yours']);
    await db.query(markFailedSql(SCHEMA), ['c2', TARGET, 'b', 'it broke']);
    const states = await db.query<{ sha256: string; status: string; claimed_by: string; live: boolean }>(claimStatesSql(SCHEMA), [TARGET, files]);
    expect(states.sort((x, y) => x.sha256.localeCompare(y.sha256))).toEqual([
      { sha256: 'c1', status: 'loading', claimed_by: 'a', live: true },
      { sha256: 'c2', status: 'failed', claimed_by: 'b', live: false },
      { sha256: 'c3', status: 'loading', claimed_by: 'a', live: true },
    ]);
    expect(await db.query(readManifestSql(SCHEMA), ['c2', TARGET])).toMatchObject([{ error: 'it broke' }]);
    await enqueue('c2');
    expect(await db.query(claimStatesSql(SCHEMA), [TARGET, ['c2']])).toEqual([{ sha256: 'c2', status: 'queued', claimed_by: null, live: false }]);
  } finally {
    await Promise.all([a.end(), b.end()]);
  }
});
