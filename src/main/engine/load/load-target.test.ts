// The target side: creating tables, keys, mapping through to SQL, hostile identifiers.
import { expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';
import { introspectTable } from '../target/introspect.ts';
import pg from 'pg';

const t = useTestHarness();

test('introspection reads types, NOT NULL, defaults, generated and identity columns and unique keys', async () => {
  await t.db.query(`CREATE TABLE intro (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, code varchar(8) NOT NULL UNIQUE, price numeric(10,2) DEFAULT 0,
    doubled numeric GENERATED ALWAYS AS (price * 2) STORED, doc json, a int, b int, n serial, tag text COLLATE "C", UNIQUE (a, b))`);
  await t.db.query('CREATE UNIQUE INDEX partial_idx ON intro (a) WHERE a > 0');
  await t.db.query(`CREATE FUNCTION intro_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TRIGGER intro_touch BEFORE INSERT ON intro FOR EACH ROW EXECUTE FUNCTION intro_touch();
    CREATE TABLE intro_child (id bigint REFERENCES intro)`);
  const client = new pg.Client({ connectionString: t.db.url });
  await client.connect();
  const [table, child, missing] = await Promise.all(['intro', 'intro_child', 'missing'].map((name) => introspectTable(client, { schema: 'public', name }))).finally(() => client.end());
  expect(missing).toBeNull();
  const byName = Object.fromEntries(table?.columns.map((c) => [c.name, c]) ?? []);
  // An identity fills itself, as a default does; it and a serial come from sequences.
  expect(byName.id).toMatchObject({ identityAlways: true, notNull: true, hasDefault: true, fromSequence: true });
  expect(byName.n).toMatchObject({ hasDefault: true, fromSequence: true });
  expect(byName.code).toMatchObject({ type: 'character varying(8)', notNull: true, hasDefault: false, fromSequence: false });
  expect(byName.price).toMatchObject({ type: 'numeric(10,2)', hasDefault: true, fromSequence: false });
  // The foreign key's own triggers (on both tables) are not row triggers of the table's.
  expect([table?.rowTriggers, table?.referenced, child?.rowTriggers]).toEqual([true, true, false]);
  expect(byName.doubled?.generated).toBe(true);
  expect(byName.doc?.comparable).toBe(false);
  expect(byName.a?.comparable).toBe(true);
  // A collation other than the type's default is kept, quoted, for staging; the default is not.
  expect([byName.tag?.collation, byName.code?.collation, byName.a?.collation]).toEqual(['pg_catalog."C"', null, null]);
  expect(table?.uniqueKeys.map((k) => k.columns)).toEqual([['id'], ['a', 'b'], ['code']]);
});

test('upsert into a filled table keyed on text with a collation of its own (ICU, not the database C): the key ranges follow it, and the table is right', async () => {
  await t.db.query(`CREATE TABLE coll (name text COLLATE "en-x-icu" PRIMARY KEY, v int);
    INSERT INTO coll SELECT w || g, g FROM generate_series(1, 300) g, unnest(ARRAY['a', 'B', '_', 'Z', 'b']) w`);
  const rows = ['name,v', ...['a', 'B', '_', 'Z', 'b', 'c', 'C'].flatMap((w) => Array.from({ length: 400 }, (_, i) => `${w}${i + 1},${-i}`))];
  const path = await t.h.file('coll.csv', `${rows.join('\n')}\n`);
  const result = await t.h.load({ files: [path], table: 'coll', concurrency: 2, batchSize: 100 });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { inserted: 7 * 400 - 5 * 300, updated: 5 * 300 } });
  const table = await t.db.query<{ n: string; right: string }>(`SELECT count(*) AS n, count(*) FILTER (WHERE v = -(substring(name from 2)::int - 1)) AS right FROM coll`);
  expect(table).toEqual([{ n: String(7 * 400), right: String(7 * 400) }]);
});

test('--create-table builds the table from CSV types with the key as primary key', async () => {
  const path = await t.h.file('create.csv', 'id,name,amount,day,at,flag\n1,x,1.50,2024-01-02,2024-01-02T03:04:05Z,true\n2,y,2,2024-02-03,2024-02-03T00:00:00Z,false\n');
  const result = await t.h.load({ files: [path], table: 'created', createTable: true, key: ['id'] });
  expect(result.exitCode).toBe(0);
  const columns = await t.db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'created' ORDER BY ordinal_position`,
  );
  expect(columns.map((c) => `${c.column_name}:${c.data_type}`)).toEqual([
    'id:bigint',
    'name:text',
    'amount:numeric',
    'day:date',
    'at:timestamp with time zone',
    'flag:boolean',
  ]);
  const pk = await t.db.query(`SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'created'::regclass AND i.indisprimary`);
  expect(pk).toEqual([{ attname: 'id' }]);
  expect(await t.db.query('SELECT id, amount::text FROM created ORDER BY id')).toEqual([{ id: '1', amount: '1.50' }, { id: '2', amount: '2' }]);
});

test('a missing table, a key without a unique index, and --create-table without a key are clear errors', async () => {
  await t.db.query('CREATE TABLE nokey (a int, b int)');
  const path = await t.h.file('k.csv', 'a,b\n1,2\n');
  await expect(t.h.load({ files: [path], table: 'absent' })).rejects.toMatchObject({ code: 'KEYLOAD_TABLE_NOT_FOUND', hint: expect.stringContaining('--create-table') });
  await expect(t.h.load({ files: [path], table: 'nokey' })).rejects.toMatchObject({ code: 'KEYLOAD_KEY_MISSING' });
  await expect(t.h.load({ files: [path], table: 'nokey', key: ['a'] })).rejects.toMatchObject({
    code: 'KEYLOAD_KEY_NOT_UNIQUE',
    hint: expect.stringContaining('CREATE UNIQUE INDEX'),
  });
  await expect(t.h.load({ files: [path], table: 'fresh', createTable: true })).rejects.toMatchObject({ code: 'KEYLOAD_KEY_MISSING' });
});

test('hostile column and table names are quoted everywhere and values never become SQL', async () => {
  const evil = 'x"); DROP TABLE victim; --';
  await t.db.query('CREATE TABLE victim (id int); CREATE SCHEMA weird');
  const path = await t.h.file('evil.csv', `"${evil.replaceAll('"', '""')}",value\n1,"'); DROP TABLE victim; --"\n`);
  const result = await t.h.load({ files: [path], table: 'weird."Tab""le"', createTable: true, key: [evil] });
  expect(result.exitCode).toBe(0);
  expect(await t.db.query(`SELECT to_regclass('victim') IS NOT NULL AS ok`)).toEqual([{ ok: true }]);
  const rows = await t.db.query(`SELECT * FROM weird."Tab""le"`);
  expect(rows).toEqual([{ [evil]: '1', value: "'); DROP TABLE victim; --" }]);
});

test('a file whose column mapping is wrong fails alone; other files still load', async () => {
  await t.db.query('CREATE TABLE two (id int PRIMARY KEY, v text)');
  const good = await t.h.file('good.csv', 'id,v\n1,a\n');
  const bad = await t.h.file('extra.csv', 'id,v,surprise\n2,b,c\n');
  const result = await t.h.load({ files: [bad, good], table: 'two' });
  expect(result.exitCode).toBe(1);
  expect(result.files[0]).toMatchObject({ status: 'failed', error: { code: 'KEYLOAD_MAPPING', file: bad } });
  expect(result.files[1]?.status).toBe('loaded');
  expect(await t.db.query('SELECT id FROM two')).toEqual([{ id: 1 }]);
});

test('json columns (no equality operator) still upsert and skip unchanged rows', async () => {
  await t.db.query('CREATE TABLE docs (id int PRIMARY KEY, body json)');
  const path = await t.h.file('docs.csv', 'id,body\n1,"{""a"": 1}"\n');
  await t.h.load({ files: [path], table: 'docs' });
  const again = await t.h.load({ files: [path], table: 'docs', force: true });
  expect(again.totals).toMatchObject({ unchanged: 1, updated: 0 });
});

test('a mapping may name a column only some files have, but not one no file has', async () => {
  await t.db.query('CREATE TABLE mixed (id int PRIMARY KEY, v text)');
  const a = await t.h.file('mixed-a.csv', 'id,v,extra\n1,a,x\n');
  const b = await t.h.file('mixed-b.csv', 'id,v\n2,b\n');
  const result = await t.h.load({ files: [a, b], table: 'mixed', map: { extra: null } });
  expect(result.exitCode).toBe(0);
  await expect(t.h.load({ files: [a, b], table: 'mixed', map: { nowhere: 'v' }, force: true })).rejects.toThrow(/"nowhere", which no file has/);
});

test('a file\'s sniffed dialect can be overridden per file', async () => {
  await t.db.query('CREATE TABLE dialects (a text, "b,c" text)');
  const path = await t.h.file('ambiguous.csv', 'a;b,c\n1;2,3\n');
  const result = await t.h.load({ files: [path], table: 'dialects', mode: 'append', fileOverrides: { [path]: { delimiter: ';' } } });
  expect(result.exitCode).toBe(0);
  expect(await t.db.query('SELECT * FROM dialects')).toEqual([{ a: '1', 'b,c': '2,3' }]);
});
