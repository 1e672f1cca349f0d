// The merge SQL builders on their own, against a real server, with names that need quoting.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../../test/database.ts';
import { quoteIdent } from '../../sql/identifiers.ts';
import { LINE, ORD } from '../stage/sql.ts';
import { contestedKeysSql, disagreementsSql, existingKeysSql, FILE, OWNER, supersededSql, survivorsSql, unitMergeSql, type MergeSpec } from './sql.ts';

const KEY = 'k"ey';
const VALUE = 'valüe';
const VERSION = 'ver sion';
const target = `public.${quoteIdent('tar"get ü')}`;
const staged = (n: number) => `public.${quoteIdent(`sta ged ${n}`)}`;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  for (const n of [1, 2]) {
    await db.query(`CREATE TABLE ${staged(n)} (${quoteIdent(ORD)} bigint, ${quoteIdent(LINE)} bigint, ${quoteIdent(KEY)} int, ${quoteIdent(VALUE)} text, ${quoteIdent(VERSION)} int)`);
  }
  // File 1: key 1 twice (versions 5 then 3), key 2, key 3. File 2: key 2 with another value, key 4.
  await db.query(`INSERT INTO ${staged(1)} VALUES (1, 2, 1, 'a', 5), (2, 3, 1, 'b', 3), (3, 4, 2, 'c', 1), (4, 5, 3, 'd', 1)`);
  await db.query(`INSERT INTO ${staged(2)} VALUES (1, 2, 2, 'changed', 1), (2, 3, 4, 'e', 1)`);
});
afterAll(() => db.drop());

const spec = (overrides: Partial<MergeSpec> = {}): MergeSpec => ({
  target,
  columns: [KEY, VALUE],
  key: [KEY],
  mode: 'upsert',
  policy: 'last',
  incomparable: new Set(),
  identityAlways: false,
  ...overrides,
});

const survivors = async (s: Pick<MergeSpec, 'policy' | 'versionColumn' | 'key'>, earlier: string[] = []) =>
  (await db.query<{ k: number; v: string }>(`SELECT ${quoteIdent(KEY)} AS k, ${quoteIdent(VALUE)} AS v FROM (${survivorsSql(s, staged(1), earlier)}) s`)).map((r) => [r.k, r.v]);

test('survivors: one row per key, in key order, chosen by the policy', async () => {
  expect(await survivors(spec())).toEqual([[1, 'b'], [2, 'c'], [3, 'd']]);
  expect(await survivors(spec({ policy: 'first' }))).toEqual([[1, 'a'], [2, 'c'], [3, 'd']]);
  expect(await survivors(spec({ policy: 'version', versionColumn: VERSION }))).toEqual([[1, 'a'], [2, 'c'], [3, 'd']]);
  // Under `first`, keys an earlier file holds were won there.
  expect(await survivors(spec({ policy: 'first' }), [staged(2)])).toEqual([[1, 'a'], [3, 'd']]);
});

test('a unit merges in one statement, counting inserted, updated and unchanged', async () => {
  await db.query(`CREATE TABLE ${target} (${quoteIdent(KEY)} int PRIMARY KEY, ${quoteIdent(VALUE)} text, touched timestamptz)`);
  await db.query(`INSERT INTO ${target} VALUES (2, 'c', NULL), (3, 'old', NULL)`);
  // Key 1 is new, 2 has the same value, 3 changes.
  expect(await db.query(unitMergeSql(spec({ touchColumn: 'touched' }), staged(1), null, 0))).toEqual([{ inserted: '1', updated: '1', total: '3' }]);
  const rows = await db.query(`SELECT ${quoteIdent(KEY)} AS k, ${quoteIdent(VALUE)} AS v, touched IS NOT NULL AS touched FROM ${target} ORDER BY 1`);
  expect(rows).toEqual([
    { k: 1, v: 'b', touched: true },
    { k: 2, v: 'c', touched: false },
    { k: 3, v: 'd', touched: true },
  ]);
  // Ignore mode leaves stored keys alone.
  const ignored = await db.query(unitMergeSql(spec({ mode: 'ignore' }), staged(2), null, 1));
  expect(ignored).toEqual([{ inserted: '1', updated: '0', total: '2' }]);
  expect(await db.query(`SELECT ${quoteIdent(VALUE)} AS v FROM ${target} WHERE ${quoteIdent(KEY)} = 2`)).toEqual([{ v: 'c' }]);
  await db.query(`DROP TABLE ${target}`);
});

test('contested keys: a key two files hold has one owner by the policy, and only the owner writes it', async () => {
  const contested = `public.${quoteIdent('con"tested')}`;
  const sources = [{ rank: 0, table: staged(1) }, { rank: 1, table: staged(2) }];
  const owners = async (s: Parameters<typeof contestedKeysSql>[0]) => {
    await db.query(`DROP TABLE IF EXISTS ${contested}`);
    await db.query(contestedKeysSql(s, sources, contested));
    return db.query(`SELECT ${quoteIdent(KEY)} AS k, ${quoteIdent(FILE)} AS file, ${quoteIdent(OWNER)} AS owner FROM ${contested} ORDER BY 1, 2`);
  };
  // Only key 2 is in both files: the later file owns it under last, the earlier under first and ignore.
  expect(await owners(spec())).toEqual([{ k: 2, file: 0, owner: 1 }, { k: 2, file: 1, owner: 1 }]);
  expect(await owners(spec({ policy: 'first' }))).toEqual([{ k: 2, file: 0, owner: 0 }, { k: 2, file: 1, owner: 0 }]);
  expect(await owners(spec({ mode: 'ignore' }))).toEqual([{ k: 2, file: 0, owner: 0 }, { k: 2, file: 1, owner: 0 }]);
  // Equal versions: the earlier file keeps the key (a later one overwrites only with a newer version).
  expect(await owners(spec({ policy: 'version', versionColumn: VERSION }))).toEqual([{ k: 2, file: 0, owner: 0 }, { k: 2, file: 1, owner: 0 }]);
  expect(await db.query(supersededSql(contested))).toEqual([{ rank: 1, n: '1' }]);

  await owners(spec());
  await db.query(`CREATE TABLE ${target} (${quoteIdent(KEY)} int PRIMARY KEY, ${quoteIdent(VALUE)} text)`);
  // File 1 does not write key 2, which file 2 owns; file 2 then writes it once.
  expect(await db.query(unitMergeSql(spec(), staged(1), { table: contested }, 0))).toEqual([{ inserted: '2', updated: '0', total: '2' }]);
  expect(await db.query(unitMergeSql(spec(), staged(2), { table: contested }, 1))).toEqual([{ inserted: '2', updated: '0', total: '2' }]);
  const rows = await db.query(`SELECT ${quoteIdent(KEY)} AS k, ${quoteIdent(VALUE)} AS v FROM ${target} ORDER BY 1`);
  expect(rows).toEqual([{ k: 1, v: 'b' }, { k: 2, v: 'changed' }, { k: 3, v: 'd' }, { k: 4, v: 'e' }]);
  await db.query(`DROP TABLE ${target}; DROP TABLE ${contested}`);
});

test('the version policy never overwrites a stored row that is as new or newer', async () => {
  await db.query(`CREATE TABLE ${target} (${quoteIdent(KEY)} int PRIMARY KEY, ${quoteIdent(VALUE)} text, ${quoteIdent(VERSION)} int)`);
  await db.query(`INSERT INTO ${target} VALUES (1, 'stored', 5), (2, 'stored', 0)`);
  const s = spec({ columns: [KEY, VALUE, VERSION], policy: 'version', versionColumn: VERSION });
  expect(await db.query(unitMergeSql(s, staged(1), null, 0))).toEqual([{ inserted: '1', updated: '1', total: '3' }]);
  const rows = await db.query(`SELECT ${quoteIdent(KEY)} AS k, ${quoteIdent(VALUE)} AS v FROM ${target} ORDER BY 1`);
  expect(rows).toEqual([{ k: 1, v: 'stored' }, { k: 2, v: 'c' }, { k: 3, v: 'd' }]);
  await db.query(`DROP TABLE ${target}`);
});

test('existing keys: those of a file that the table or an earlier file holds, with their lines', async () => {
  await db.query(`CREATE TABLE ${target} (${quoteIdent(KEY)} int PRIMARY KEY, ${quoteIdent(VALUE)} text)`);
  await db.query(`INSERT INTO ${target} VALUES (4, 'stored')`);
  expect(await db.query(existingKeysSql(spec({ mode: 'insert' }), staged(2), []))).toEqual([{ [KEY]: 4, line: '3' }]);
  expect(await db.query(existingKeysSql(spec({ mode: 'insert' }), staged(2), [staged(1)]))).toEqual([{ [KEY]: 2, line: '2' }, { [KEY]: 4, line: '3' }]);
  await db.query(`DROP TABLE ${target}`);
});

test('disagreements: keys whose surviving rows differ between files on the shared columns', async () => {
  const found = await db.query(disagreementsSql([KEY], [VALUE], [staged(1), staged(2)], { policy: 'last', versionColumn: undefined }, 20));
  expect(found).toEqual([{ [KEY]: 2, ranks: [0, 1] }]);
  // Compared on no column, files never disagree.
  expect(await db.query(disagreementsSql([KEY], [], [staged(1), staged(2)], { policy: 'last', versionColumn: undefined }, 20))).toEqual([]);
});
