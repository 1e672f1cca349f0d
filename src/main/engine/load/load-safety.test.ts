// Issue 8's data-safety cases: a table that must be new, types across files, secondary unique
// constraints, partly loaded and cancelled files, cleanup of a created table, merge progress,
// empty files and the order of the rejects file. Each failed on the code before the fix.
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';
import type { LoadEvent } from '../../../shared/load-types.ts';
import { planLoad, runLoad } from '../index.ts';

const t = useTestHarness();
beforeEach(async () => {
  await t.db.query('DROP SCHEMA IF EXISTS keyload CASCADE');
});

function csv(rows: number, start = 0): string {
  const lines = ['id,v'];
  for (let i = 0; i < rows; i++) lines.push(`${start + i},v${start + i}`);
  return `${lines.join('\n')}\n`;
}

const exists = async (table: string) => (await t.db.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [table]))[0]?.ok;

test('"create a new table" refuses a table that exists, naming it; plain --create-table still creates only if missing', async () => {
  await t.db.query('CREATE TABLE customers (id int PRIMARY KEY, name text)');
  await t.db.query(`INSERT INTO customers VALUES (1, 'kept')`);
  const orders = await t.h.file('orders.csv', 'order_id,amount\n10,5\n');
  const refused = t.h.load({ files: [orders], table: 'customers', createTable: true, tableMustBeNew: true, key: ['order_id'], ignoreExtraColumns: true });
  await expect(refused).rejects.toMatchObject({ code: 'KEYLOAD_TABLE_EXISTS', message: expect.stringMatching(/public\.customers.*choose it as the target/) });
  expect(await t.db.query('SELECT * FROM customers')).toEqual([{ id: 1, name: 'kept' }]);

  const more = await t.h.file('more-customers.csv', 'id,name\n2,new\n');
  const reused = await t.h.load({ files: [more], table: 'customers', createTable: true, key: ['id'] });
  expect(reused).toMatchObject({ exitCode: 0, createdTable: false });
  const created = await t.h.load({ files: [more], table: 'brand_new', createTable: true, key: ['id'] });
  expect(created).toMatchObject({ exitCode: 0, createdTable: true });
});

test('a table another session created between planning and running is the same error, not a silent reuse', async () => {
  const path = await t.h.file('raced.csv', 'id,v\n1,a\n');
  const plan = await planLoad({ connectionString: t.db.url }, { files: [path], table: 'raced', createTable: true, tableMustBeNew: true, key: ['id'] });
  await t.db.query('CREATE TABLE raced (id int PRIMARY KEY, v text, other text)');
  const result = await runLoad(plan, { reportDir: await mkdtemp(join(t.h.dir, 'report-')) });
  expect(result).toMatchObject({ exitCode: 1, createdTable: false });
  expect(result.files[0]).toMatchObject({ status: 'failed', error: { code: 'KEYLOAD_TABLE_EXISTS' } });
  expect(await t.db.query('SELECT * FROM raced')).toEqual([]);
});

test('a new table takes its types from every file: the widest type most values fit, outliers rejected', async () => {
  const first = ['id,amount,qty,day'];
  for (let i = 1; i <= 20; i++) first.push(`${i},${i * 10},${i === 7 ? 'n/a' : i},2024-01-${String(i).padStart(2, '0')}`);
  const second = ['id,amount,qty,day,note'];
  for (let i = 21; i <= 40; i++) second.push(`${i},${i}.5,${i},2024-02-${String(i - 20).padStart(2, '0')},x`);
  const a = await t.h.file('types-a.csv', `${first.join('\n')}\n`);
  const b = await t.h.file('types-b.csv', `${second.join('\n')}\n`);
  const result = await t.h.load({ files: [a, b], table: 'typed', createTable: true, key: ['id'] });
  expect(result.exitCode).toBe(3);
  const columns = await t.db.query<{ column_name: string; data_type: string; is_nullable: string }>(
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = 'typed' ORDER BY ordinal_position`,
  );
  expect(columns.map((c) => `${c.column_name}:${c.data_type}:${c.is_nullable}`)).toEqual([
    'id:bigint:NO',
    'amount:numeric:YES',
    'qty:bigint:YES',
    'day:date:YES',
    'note:text:YES',
  ]);
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { rejected: 1 } });
  const rejects = await readFile(result.files[0]?.rejectsFile ?? '', 'utf8');
  expect(rejects.split('\n')[1]).toMatch(/^8,qty,/);
  expect((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM typed'))[0]?.n).toBe('39');
});

test('column types given for a new table win over inference and are checked', async () => {
  const path = await t.h.file('override.csv', 'id,code\n1,007\n2,12\n');
  const result = await t.h.load({ files: [path], table: 'overridden', createTable: true, key: ['id'], columnTypes: { id: 'integer', code: 'varchar(10)' } });
  expect(result.exitCode).toBe(0);
  const columns = await t.db.query<{ column_name: string; data_type: string }>(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'overridden' ORDER BY ordinal_position`);
  expect(columns.map((c) => `${c.column_name}:${c.data_type}`)).toEqual(['id:integer', 'code:character varying']);
  await expect(t.h.load({ files: [path], table: 'o2', createTable: true, key: ['id'], columnTypes: { nowhere: 'int' } })).rejects.toMatchObject({
    code: 'KEYLOAD_USAGE',
    message: expect.stringContaining('"nowhere"'),
  });
  await expect(t.h.load({ files: [path], table: 'o3', createTable: true, key: ['id'], columnTypes: { code: 'no_such_type' } })).rejects.toMatchObject({
    code: '42704',
    location: { column: 'code' },
  });
  expect(await exists('o3')).toBe(false);
});

test('a new table from files none of which can be read names the file and the reason', async () => {
  const broken = await t.h.file('broken.parquet', Buffer.from('PAR1 not really a parquet file PAR1'));
  await expect(t.h.load({ files: [broken], table: 'never', createTable: true, key: ['id'] })).rejects.toMatchObject({
    message: expect.stringContaining(broken),
  });
});

test('rows that would break a secondary unique constraint are rejected with its name before writing', async () => {
  await t.db.query('CREATE TABLE people (id int PRIMARY KEY, email text UNIQUE, name text)');
  await t.db.query(`INSERT INTO people VALUES (1, 'a@x', 'stored')`);
  const first = await t.h.file('people-1.csv', 'id,email,name\n2,a@x,taken\n3,b@x,first b\n4,b@x,second b\n1,a@x,updated\n5,c@x,c\n');
  const second = await t.h.file('people-2.csv', 'id,email,name\n6,c@x,later c\n7,d@x,d\n');
  const result = await t.h.load({ files: [first, second], table: 'people' });
  expect(result.exitCode).toBe(3);
  expect(result.files.map((f) => [f.status, f.counts.rejected])).toEqual([['loaded', 2], ['loaded', 1]]);
  const lines = (await readFile(result.files[0]?.rejectsFile ?? '', 'utf8')).trim().split('\n');
  expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual([
    '2,email,would violate unique constraint people_email_key',
    '4,email,would violate unique constraint people_email_key',
  ]);
  expect(await readFile(result.files[1]?.rejectsFile ?? '', 'utf8')).toContain('2,email,would violate unique constraint people_email_key');
  expect(await t.db.query('SELECT id, email, name FROM people ORDER BY id')).toEqual([
    { id: 1, email: 'a@x', name: 'updated' },
    { id: 3, email: 'b@x', name: 'first b' },
    { id: 5, email: 'c@x', name: 'c' },
    { id: 7, email: 'd@x', name: 'd' },
  ]);
});

test('a value a stored row gives up in this run is still taken: partitions merge in parallel', async () => {
  await t.db.query('CREATE TABLE handover (id int PRIMARY KEY, email text UNIQUE)');
  await t.db.query(`INSERT INTO handover VALUES (1, 'a@x')`);
  const path = await t.h.file('handover.csv', 'id,email\n1,z@x\n2,a@x\n');
  const result = await t.h.load({ files: [path], table: 'handover' });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { rejected: 1, updated: 1 } });
  expect(await t.db.query('SELECT id, email FROM handover ORDER BY id')).toEqual([{ id: 1, email: 'z@x' }]);
});

test('many files with colliding unique values load in parallel without a mid-file failure; replace ignores the old rows', async () => {
  await t.db.query('CREATE TABLE crowded (id int PRIMARY KEY, code int NOT NULL, UNIQUE (code))');
  await t.db.query('INSERT INTO crowded SELECT g, g FROM generate_series(1, 100) g');
  // Every file reuses codes of stored rows and of the other files, under new and old keys.
  const paths = await Promise.all(
    [0, 1, 2, 3].map((f) => t.h.file(`crowded-${f}.csv`, `id,code\n${Array.from({ length: 3000 }, (_, i) => `${i + f * 1500},${(i * 7 + f) % 4000}`).join('\n')}\n`)),
  );
  const options = { files: paths, table: 'crowded', batchSize: 250, concurrency: 4, internalConcurrency: 2 };
  const result = await t.h.load(options);
  expect(result.files.map((f) => f.status)).toEqual(['loaded', 'loaded', 'loaded', 'loaded']);
  expect(result.totals.rejected).toBeGreaterThan(0);
  const [counts] = await t.db.query<{ n: string; codes: string }>('SELECT count(*) AS n, count(DISTINCT code) AS codes FROM crowded');
  expect(counts?.n).toBe(counts?.codes);
  const replaced = await t.h.load({ ...options, mode: 'replace' });
  expect(replaced.files.map((f) => f.status)).toEqual(['loaded', 'loaded', 'loaded', 'loaded']);
  // The table was emptied first: only the files' own collisions are rejected.
  expect(replaced.totals.rejected).toBeLessThan(result.totals.rejected);
});

test('append: rows whose unique values are taken go to the rejects instead of failing the file', async () => {
  await t.db.query('CREATE TABLE appended (email text UNIQUE, n int)');
  await t.db.query(`INSERT INTO appended VALUES ('a@x', 0)`);
  const lines = ['email,n', 'a@x,1', 'b@x,2', 'b@x,3', 'bad,x', ...Array.from({ length: 300 }, (_, i) => `e${i}@x,${i}`), 'e5@x,5'];
  const path = await t.h.file('appended.csv', `${lines.join('\n')}\n`);
  const result = await t.h.load({ files: [path], table: 'appended', mode: 'append', batchSize: 100 });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { rejected: 4, inserted: 301 } });
  const rejected = (await readFile(result.files[0]?.rejectsFile ?? '', 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 3).join(','));
  expect(rejected).toEqual([
    '2,email,would violate unique constraint appended_email_key',
    '4,email,would violate unique constraint appended_email_key',
    expect.stringMatching(/^5,n,"invalid input syntax for type integer/),
    '306,email,would violate unique constraint appended_email_key',
  ]);
});

for (const mode of ['upsert', 'append'] as const) {
  test(`${mode}: a file that fails after some sub-batches committed is partly loaded, not failed`, async () => {
    await t.db.query(`DROP TABLE IF EXISTS partly; DROP SEQUENCE IF EXISTS partly_rows;
      CREATE TABLE partly (id bigint ${mode === 'append' ? '' : 'PRIMARY KEY'}, v text);
      CREATE SEQUENCE partly_rows;
      CREATE OR REPLACE FUNCTION partly_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('partly_rows') > 1000 THEN RAISE EXCEPTION 'no more rows today'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER partly_fail BEFORE INSERT ON partly FOR EACH ROW EXECUTE FUNCTION partly_fail();`);
    const path = await t.h.file(`partly-${mode}.csv`, csv(3000));
    const result = await t.h.load({ files: [path], table: 'partly', mode, batchSize: 200, concurrency: 1, internalConcurrency: 1 });
    const stored = Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM partly'))[0]?.n);
    expect(stored).toBeGreaterThan(0);
    expect(result.exitCode).toBe(1);
    expect(result.files[0]).toMatchObject({ status: 'partly-loaded', committedRows: stored, error: { code: 'P0001' } });
    const stages = result.events.flatMap((e) => (e.type === 'file-progress' ? [e.file.stage] : []));
    expect(stages.at(-1)).toBe('partly-loaded');
    await t.db.query('DROP TABLE partly; DROP FUNCTION partly_fail(); DROP SEQUENCE partly_rows');
  });
}

test('a failed run drops the empty table it created; a table that got rows stays', async () => {
  const rows = Array.from({ length: 20 }, (_, i) => `${i + 1},${i === 12 ? 'oops' : i}`);
  const bad = await t.h.file('doomed.csv', `id,n\n${rows.join('\n')}\n`);
  const result = await t.h.load({ files: [bad], table: 'doomed', createTable: true, key: ['id'], onError: 'abort' });
  expect(result).toMatchObject({ exitCode: 1, createdTable: false });
  expect(result.files[0]?.status).toBe('failed');
  expect(await exists('doomed')).toBe(false);

  const good = await t.h.file('survivor-good.csv', 'id,n\n1,1\n');
  const failing = await t.h.file('survivor-bad.csv', 'id,n\n5,x\n');
  const mixed = await t.h.load({ files: [good, failing], table: 'survivor', createTable: true, key: ['id'], onError: 'abort', columnTypes: { n: 'bigint' } });
  expect(mixed).toMatchObject({ exitCode: 1, createdTable: true });
  expect(await t.db.query('SELECT id FROM survivor')).toEqual([{ id: '1' }]);
});

test('a cancelled run drops the empty table it created, and its files say cancelled', async () => {
  const path = await t.h.file('cancel-new.csv', csv(50));
  const controller = new AbortController();
  controller.abort();
  const result = await t.h.load({ files: [path], table: 'cancelled_new', createTable: true, key: ['id'] }, controller.signal);
  expect(result.files[0]).toMatchObject({ status: 'cancelled' });
  expect(result.files[0]?.error).toBeUndefined();
  const stages = result.events.flatMap((e) => (e.type === 'file-progress' ? [e.file.stage] : []));
  expect(stages.at(-1)).toBe('cancelled');
  expect(result.createdTable).toBe(false);
  expect(await exists('cancelled_new')).toBe(false);
});

test('progress while merging counts merged out of staged rows, with an ETA from the merge rate', async () => {
  await t.db.query('CREATE TABLE merging (id bigint PRIMARY KEY, v text)');
  const path = await t.h.file('merging.csv', csv(4000));
  const result = await t.h.load({ files: [path], table: 'merging', batchSize: 100, concurrency: 1, internalConcurrency: 1 });
  expect(result.exitCode).toBe(0);
  const merging = result.events.flatMap((e: LoadEvent) => (e.type === 'file-progress' && e.file.stage === 'merging' ? [e.file] : []));
  expect(merging.length).toBeGreaterThan(5);
  expect(merging.every((p) => p.stagedRows === 4000 && p.mergedRows <= p.stagedRows)).toBe(true);
  const merged = merging.map((p) => p.mergedRows);
  expect(merged).toEqual([...merged].sort((x, y) => x - y));
  expect(merged.at(-1)).toBeGreaterThan(merged[0] ?? 0);
  const underway = merging.filter((p) => p.mergedRows > 0 && p.mergedRows < p.stagedRows / 2);
  expect(underway.length).toBeGreaterThan(0);
  expect(underway.every((p) => p.etaSeconds !== null && p.etaSeconds > 0)).toBe(true);
});

test('an empty file, or one with only a header, is skipped as empty rather than failing', async () => {
  await t.db.query('CREATE TABLE empties (id int PRIMARY KEY, v text)');
  const zero = await t.h.file('zero.csv', '');
  const header = await t.h.file('header-only.csv', 'id,v\n');
  const result = await t.h.load({ files: [zero, header], table: 'empties' });
  expect(result.exitCode).toBe(0);
  expect(result.files.map((f) => [f.status, f.skipReason, f.error])).toEqual([
    ['skipped', 'empty file: nothing to load', undefined],
    ['skipped', 'empty file: nothing to load', undefined],
  ]);
});

test('the rejects file is in line order whichever check found each row', async () => {
  await t.db.query('CREATE TABLE ordered (id int PRIMARY KEY, n int NOT NULL, email text UNIQUE)');
  const lines = ['id,n,email'];
  const bad = new Map<number, string>([
    [3, '2,1,dup@x'], // unique: line 2 holds the address first
    [5, '4,,e4'], // NULL in a NOT NULL column
    [6001, '6000,x,e6000'], // not an integer, in a later batch
    [9002, '9001,1'], // too few fields
    [12000, '11999,1,dup@x'], // unique again, last
  ]);
  for (let line = 2; line <= 12001; line++) {
    const id = line - 1;
    lines.push(bad.get(line) ?? (line === 2 ? `${id},1,dup@x` : `${id},1,e${id}`));
  }
  const path = await t.h.file('ordered.csv', `${lines.join('\n')}\n`);
  const result = await t.h.load({ files: [path], table: 'ordered', internalConcurrency: 2 });
  expect(result.files[0]?.counts.rejected).toBe(5);
  const rejected = (await readFile(result.files[0]?.rejectsFile ?? '', 'utf8')).trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  expect(rejected).toEqual([3, 5, 6001, 9002, 12000]);
});

test('planning errors the app shows carry no command-line flags; the hints keep them', async () => {
  const path = await t.h.file('flags.csv', 'id,v\n1,a\n');
  const keyless = t.h.load({ files: [path], table: 'flagless', createTable: true });
  await expect(keyless).rejects.toMatchObject({ message: expect.not.stringMatching(/--/), hint: expect.stringContaining('--key') });
  await t.db.query('CREATE TABLE flagged (id int PRIMARY KEY, v text)');
  await expect(t.h.load({ files: [path], table: 'flagged', map: { nowhere: 'v' } })).rejects.toMatchObject({ message: expect.not.stringMatching(/--/) });
  await expect(t.h.load({ files: [path], table: 'flagged', touchColumn: 'missing' })).rejects.toMatchObject({ message: expect.not.stringMatching(/--/) });
  const appendTouch = t.h.load({ files: [path], table: 'flagged', mode: 'append', touchColumn: 'v' });
  await expect(appendTouch).rejects.toMatchObject({ message: expect.not.stringMatching(/--/) });
});
