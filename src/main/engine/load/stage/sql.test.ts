// The staging SQL builders on their own, against a real server, with names that need quoting.
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../../test/database.ts';
import { quoteIdent } from '../../sql/identifiers.ts';
import { copyIn } from './copy.ts';
import {
  copyInSql,
  createStageTableSql,
  createTakenTableSql,
  createTextTableSql,
  goodRowsSql,
  INPUT_ERROR_FALLBACK_SQL,
  insertSelectSql,
  invalidValuesSql,
  LINE,
  NULL_REASON,
  ORD,
  rejectNullsSql,
  takenColumns,
  takenValuesSql,
  textDataColumns,
  truncateTextTableSql,
  uniqueCheckSql,
  type TextTable,
} from './sql.ts';
import { stageTable } from './stage.ts';
import type { StagedColumn } from './validation.ts';

const SCHEMA = 'st"age ü';
const KEY = 'k"ey';
const NAME = 'na me';
const AMOUNT = 'ämount';
const columns: StagedColumn[] = [
  { name: KEY, type: 'integer', required: true },
  { name: NAME, type: 'text' },
  { name: AMOUNT, type: 'numeric(6,2)', required: true },
];

let db: TestDatabase;
let pool: pg.Pool;
/** One session throughout: the text tables are temporary. */
let client: pg.PoolClient;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  client = await pool.connect();
  await client.query(`CREATE SCHEMA ${quoteIdent(SCHEMA)}`);
});
afterAll(async () => {
  client.release();
  await pool.end();
  await db.drop();
});

/** COPY text rows (tab-separated, \N for NULL). */
const copyRows = (sql: string, rows: (string | null)[][]) => copyIn(client, sql, Buffer.from(rows.map((r) => `${r.map((v) => v ?? '\\N').join('\t')}\n`).join('')));

test('a keyed staging table is hash-partitioned on the key into unlogged partitions, equal keys in one partition', async () => {
  const table = stageTable(SCHEMA, 'aaaaaaaa-1111', 0, 4);
  await client.query(createStageTableSql(table, columns, [KEY]));
  await copyRows(copyInSql(table.parent), Array.from({ length: 40 }, (_, i) => [String(i), String(i + 2), String(i % 10), `n${i}`, '1.5']));
  const parts = await client.query<{ persistence: string; n: string }>(
    `SELECT c.relpersistence AS persistence, count(*) AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass GROUP BY 1`,
    [table.parent],
  );
  expect(parts.rows).toEqual([{ persistence: 'u', n: '4' }]);
  const spread = await client.query<{ keys: string; partitions: string; most: string }>(
    `SELECT count(DISTINCT ${quoteIdent(KEY)}) AS keys, count(DISTINCT tableoid) AS partitions,
            (SELECT max(n) FROM (SELECT count(DISTINCT tableoid) AS n FROM ${table.parent} GROUP BY ${quoteIdent(KEY)}) x) AS most
     FROM ${table.parent}`,
  );
  expect(spread.rows[0]).toEqual({ keys: '10', partitions: '4', most: '1' });
});

test('with key bounds, a staging table is range-partitioned: each key in the unit of its range, NULL keys in none', async () => {
  const table = stageTable(SCHEMA, 'dddddddd-4444', 3, 3);
  await client.query(createStageTableSql(table, columns, [KEY], [['10'], ['20']]));
  await copyRows(copyInSql(table.parent), [...[5, 10, 19, 20, 99, -3].map((k) => [String(k), String(k), String(k), 'n', '1.00']), ['7', '7', null, 'no key', '1.00']]);
  const units = await Promise.all(table.partitions.map((p) => client.query<{ k: number | null }>(`SELECT ${quoteIdent(KEY)} AS k FROM ${p} ORDER BY 1`)));
  expect(units.map((u) => u.rows.map((r) => r.k))).toEqual([[-3, 5], [10, 19], [20, 99]]);
  expect(await client.query(`SELECT ${quoteIdent(NAME)} AS name FROM ${table.nullKeys}`)).toMatchObject({ rows: [{ name: 'no key' }] });
});

test('range bounds of a composite key and of text with quotes and backslashes are taken literally', async () => {
  const table = stageTable(SCHEMA, 'eeeeeeee-5555', 4, 2);
  const text: StagedColumn[] = [{ name: 'a', type: 'text', required: true, collation: '"pg_catalog"."C"' }, { name: 'b', type: 'integer', required: true }];
  const bound = `it's \\ "x"`;
  await client.query(createStageTableSql(table, text, ['a', 'b'], [[bound, '5']]));
  const copied = bound.replaceAll('\\', '\\\\'); // COPY's text format escapes backslashes
  await copyRows(copyInSql(table.parent), [['1', '1', copied, '4'], ['2', '2', copied, '5'], ['3', '3', 'Z', '9'], ['4', '4', 'z', '0']]);
  const units = await Promise.all(table.partitions.map((p) => client.query<{ a: string; b: number }>(`SELECT a, b FROM ${p} ORDER BY a, b`)));
  // Under the C collation 'Z' sorts before 'i' and 'z' after it.
  expect(units.map((u) => u.rows)).toEqual([[{ a: 'Z', b: 9 }, { a: bound, b: 4 }], [{ a: bound, b: 5 }, { a: 'z', b: 0 }]]);
});

test('an unkeyed staging table is one unlogged table', async () => {
  const table = stageTable(SCHEMA, 'bbbbbbbb-2222', 1, 0);
  await client.query(createStageTableSql(table, columns, null));
  const found = await client.query<{ relkind: string; relpersistence: string }>('SELECT relkind, relpersistence FROM pg_class WHERE oid = $1::regclass', [table.parent]);
  expect(found.rows).toEqual([{ relkind: 'r', relpersistence: 'u' }]);
});

test('rejectNulls deletes rows with a NULL in a required column and returns line, column, reason and values', async () => {
  const table = stageTable(SCHEMA, 'cccccccc-3333', 2, 2);
  await client.query(createStageTableSql(table, columns, [KEY]));
  await copyRows(copyInSql(table.parent), [
    ['1', '2', '1', 'it"s', '1.00'],
    ['2', '3', '2', 'x', null],
    ['3', '4', '3', null, '2.50'],
    ['4', '5', null, 'no key', '3.00'],
  ]);
  const required = [
    { column: KEY, reason: 'key column is empty' },
    { column: AMOUNT, reason: NULL_REASON },
  ];
  const result = await client.query<{ line: string }>(rejectNullsSql(table.parent, columns, required));
  expect(result.rows.sort((a, b) => Number(a.line) - Number(b.line))).toEqual([
    { line: '3', column: AMOUNT, reason: NULL_REASON, values: ['2', 'x', null] },
    { line: '5', column: KEY, reason: 'key column is empty', values: [null, 'no key', '3.00'] },
  ]);
  const left = await client.query(`SELECT ${quoteIdent(ORD)} AS ord FROM ${table.parent} ORDER BY 1`);
  expect(left.rows).toEqual([{ ord: '1' }, { ord: '3' }]);
});

const textTable = (id: string, prefixed: boolean): TextTable => ({ name: `pg_temp.${quoteIdent(`keyload text ${id}`)}`, columns, prefixed });

for (const builtin of [true, false]) {
  test(`validation finds values that do not parse and keeps the good rows, cast (${builtin ? 'pg_input_is_valid' : 'PL/pgSQL stand-in'})`, async () => {
    const table = textTable(`v${builtin}`, true);
    if (!builtin) await client.query(INPUT_ERROR_FALLBACK_SQL);
    await client.query(createTextTableSql(table));
    await client.query(truncateTextTableSql(table));
    await copyRows(copyInSql(table.name, textDataColumns(table)), [
      ['1', '10', '1', 'ok', '12.50'],
      ['2', '11', 'one', 'bad key', '1'],
      ['3', '12', '3', 'too big', '12345.6'],
      ['4', '13', '4', 'no amount', null],
      ['5', '14', '5', null, '0'],
    ]);
    const found = await client.query<{ pos: string; line: string; column: string; reason: string; values: (string | null)[] }>(invalidValuesSql(table, { builtin }));
    expect(found.rows.map((r) => [r.pos, r.line, r.column, r.values])).toEqual([
      ['2', '11', KEY, ['one', 'bad key', '1']],
      ['3', '12', AMOUNT, ['3', 'too big', '12345.6']],
      ['4', '13', AMOUNT, ['4', 'no amount', null]],
    ]);
    expect(found.rows[0]?.reason).toMatch(/invalid input syntax for type integer/);
    expect(found.rows[1]?.reason).toMatch(/numeric field overflow/);
    expect(found.rows[2]?.reason).toBe(NULL_REASON);
    const target = `${quoteIdent(SCHEMA)}.${quoteIdent(`good ${builtin}`)}`;
    await client.query(`CREATE TABLE ${target} (${quoteIdent(ORD)} bigint, ${quoteIdent(LINE)} bigint, ${columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
    const inserted = await client.query(insertSelectSql(target, goodRowsSql(table, found.rows.map((r) => r.pos))));
    expect(inserted.rowCount).toBe(2);
    const good = await client.query(`SELECT ${quoteIdent(KEY)} AS k, ${quoteIdent(AMOUNT)}::text AS amount FROM ${target} ORDER BY 1`);
    expect(good.rows).toEqual([{ k: 1, amount: '12.50' }, { k: 5, amount: '0.00' }]);
  });
}

test('takenValues finds rows whose unique values the target or an earlier row of the batch holds', async () => {
  const target = `${quoteIdent(SCHEMA)}.${quoteIdent('uni que')}`;
  await client.query(`CREATE TABLE ${target} (${quoteIdent(KEY)} integer UNIQUE, ${quoteIdent(NAME)} text, ${quoteIdent(AMOUNT)} numeric(6,2))`);
  await client.query(`INSERT INTO ${target} VALUES (7, 'stored', 1)`);
  const table = textTable('taken', false);
  await client.query(createTextTableSql(table));
  await copyRows(copyInSql(table.name, textDataColumns(table)), [['7', 'held by the table', '1'], ['8', 'first', '1'], ['8', 'second', '1'], ['9', 'bad', '1'], [null, 'no key', '1']]);
  const found = await client.query(takenValuesSql(table, target, { name: 'u', columns: [KEY], primary: false }, ['4']));
  expect(found.rows).toEqual([
    { pos: '1', line: null, values: ['7', 'held by the table', '1'] },
    { pos: '3', line: null, values: ['8', 'second', '1'] },
  ]);
});

test('the unique check rejects survivors whose values are held elsewhere or by an earlier survivor, and records the rest', async () => {
  const EMAIL = 'e"mail';
  const emailColumns: StagedColumn[] = [{ name: KEY, type: 'integer', required: true }, { name: EMAIL, type: 'text' }];
  const target = `${quoteIdent(SCHEMA)}.${quoteIdent('with email')}`;
  await client.query(`CREATE TABLE ${target} (${quoteIdent(KEY)} integer PRIMARY KEY, ${quoteIdent(EMAIL)} text UNIQUE)`);
  await client.query(`INSERT INTO ${target} VALUES (9, 'stored@x'), (2, 'mine@x')`);
  const staged = stageTable(SCHEMA, 'dddddddd-4444', 0, 2);
  await client.query(createStageTableSql(staged, emailColumns, [KEY]));
  await copyRows(copyInSql(staged.parent), [
    ['1', '2', '1', 'stored@x'], // held by the stored row of key 9
    ['2', '3', '2', 'mine@x'], // key 2 holds it already: its own value
    ['3', '4', '4', 'old@x'], // an older row of key 4: leaves with its key's survivor
    ['4', '5', '3', 'shared@x'],
    ['5', '6', '4', 'shared@x'], // an earlier survivor (key 3) took it
    ['6', '7', '5', null], // NULLs never collide
    ['7', '8', '6', 'free@x'],
  ]);
  const taken = `${quoteIdent(SCHEMA)}.${quoteIdent('taken u1')}`;
  const check = {
    source: staged.parent,
    columns: emailColumns,
    key: [KEY],
    survivors: `SELECT DISTINCT ON (${quoteIdent(KEY)}) * FROM ${staged.parent} ORDER BY ${quoteIdent(KEY)}, ${quoteIdent(ORD)} DESC`,
    ignoredIn: null,
    unique: [EMAIL],
    taken,
    stored: target,
  };
  await client.query(createTakenTableSql(taken, takenColumns(check).map((name) => ({ name, type: name === KEY ? 'integer' : 'text' })), [EMAIL]));
  const result = await client.query<{ survivor: boolean; line: string; values: (string | null)[] }>(uniqueCheckSql(check));
  const deleted = result.rows.map((r) => [r.survivor, r.line, r.values]).sort((a, b) => Number(a[1]) - Number(b[1]));
  expect(deleted).toEqual([
    [true, '2', ['1', 'stored@x']],
    [false, '4', ['4', 'old@x']],
    [true, '6', ['4', 'shared@x']],
  ]);
  const recorded = await client.query(`SELECT ${quoteIdent(KEY)} AS k, ${quoteIdent(EMAIL)} AS email FROM ${taken} ORDER BY 1`);
  expect(recorded.rows).toEqual([{ k: 2, email: 'mine@x' }, { k: 3, email: 'shared@x' }, { k: 6, email: 'free@x' }]);
  const index = await client.query(`SELECT count(*)::int AS n FROM pg_index WHERE indrelid = $1::regclass`, [taken]);
  expect(index.rows).toEqual([{ n: 1 }]);
});
