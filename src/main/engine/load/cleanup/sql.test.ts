// The cleanup's SQL on its own, against a real server, under a schema name that needs quoting:
// staging tables found grouped by run tag with their sizes, and dropped one by one.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../../test/database.ts';
import { quoteIdent } from '../../sql/identifiers.ts';
import { dropTableSql, STAGING_TABLES_SQL } from './sql.ts';

const SCHEMA = 'clean"up ü';
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

test('staging tables are found grouped by run tag, without their partitions, with their sizes, and dropped', async () => {
  const q = (name: string) => `${quoteIdent(SCHEMA)}.${quoteIdent(name)}`;
  await db.query(`CREATE SCHEMA ${quoteIdent(SCHEMA)}`);
  await db.query(`CREATE TABLE ${q('s_0123abcd_0')} (k int) PARTITION BY HASH (k)`);
  await db.query(`CREATE TABLE ${q('s_0123abcd_0_0')} PARTITION OF ${q('s_0123abcd_0')} FOR VALUES WITH (MODULUS 1, REMAINDER 0)`);
  await db.query(`INSERT INTO ${q('s_0123abcd_0')} SELECT generate_series(1, 10000)`);
  await db.query(`CREATE TABLE ${q('s_0123abcd_u0')} (k int)`);
  await db.query(`INSERT INTO ${q('s_0123abcd_u0')} VALUES (1)`);
  await db.query(`CREATE TABLE ${q('s_fedc9876_1')} (k int)`);
  await db.query(`CREATE TABLE ${q('keyload_manifest')} (k int)`); // not a staging table
  const found = await db.query<{ tag: string; tables: string[]; bytes: string }>(STAGING_TABLES_SQL, [SCHEMA]);
  expect(found.map((r) => [r.tag, r.tables])).toEqual([
    ['0123abcd', ['s_0123abcd_0', 's_0123abcd_u0']],
    ['fedc9876', ['s_fedc9876_1']],
  ]);
  // The rows live in the partition; the parent's size counts them.
  const size = async (table: string) => Number((await db.query<{ bytes: string }>(`SELECT pg_total_relation_size($1::regclass) AS bytes`, [q(table)]))[0]?.bytes);
  const partition = { bytes: await size('s_0123abcd_0_0') };
  expect(Number(found[0]?.bytes)).toBe(partition.bytes + (await size('s_0123abcd_u0')));
  expect(Number(partition?.bytes)).toBeGreaterThan(100_000);
  for (const table of found[0]?.tables ?? []) await db.query(dropTableSql(SCHEMA, table));
  const left = await db.query<{ relname: string }>(`SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`, [SCHEMA]);
  expect(left.map((r) => r.relname)).toEqual(['keyload_manifest', 's_fedc9876_1']);
});
