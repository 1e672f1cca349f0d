// Every write mode against a real PostgreSQL, with real CSV files on disk.
import { readFile } from 'node:fs/promises';
import { beforeEach, describe, expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';

const t = useTestHarness();

async function table(): Promise<Record<string, unknown>[]> {
  return t.db.query('SELECT id, name, qty FROM items ORDER BY id');
}

beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS items; DROP SCHEMA IF EXISTS keyload CASCADE');
  await t.db.query('CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, qty integer, touched timestamptz, version integer)');
});

describe('upsert', () => {
  test('inserts, updates changed rows, skips unchanged ones, and a re-run of the same file is skipped', async () => {
    await t.db.query(`INSERT INTO items (id, name, qty) VALUES (1, 'old', 1), (2, 'same', 2)`);
    const path = await t.h.file('a.csv', 'id,name,qty\n1,new,10\n2,same,2\n3,fresh,30\n');
    const first = await t.h.load({ files: [path], table: 'items' });
    expect(first.exitCode).toBe(0);
    expect(first.totals).toMatchObject({ read: 3, inserted: 1, updated: 1, unchanged: 1, collapsed: 0, rejected: 0 });
    expect(await table()).toEqual([
      { id: '1', name: 'new', qty: 10 },
      { id: '2', name: 'same', qty: 2 },
      { id: '3', name: 'fresh', qty: 30 },
    ]);
    const again = await t.h.load({ files: [path], table: 'items' });
    expect(again.files[0]).toMatchObject({ status: 'skipped', skipReason: 'already loaded' });
    const forced = await t.h.load({ files: [path], table: 'items', force: true });
    expect(forced.totals).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
  });

  test('the last occurrence of a key wins within a batch, across batches and across files, written once; duplicates and superseded rows are counted', async () => {
    const a = await t.h.file('dup-a.csv', 'id,name,qty\n1,a1,1\n2,a2,2\n1,a1-late,3\n3,a3,3\n2,a2-late,4\n');
    const b = await t.h.file('dup-b.csv', 'id,name,qty\n3,b3,5\n');
    const result = await t.h.load({ files: [a, b], table: 'items', batchSize: 2 });
    // Key 3 is b's: a's row for it is never written.
    expect(result.files[0]?.counts).toMatchObject({ read: 5, inserted: 2, collapsed: 2, superseded: 1 });
    expect(result.files[1]?.counts).toMatchObject({ read: 1, inserted: 1, updated: 0 });
    expect(await table()).toEqual([
      { id: '1', name: 'a1-late', qty: 3 },
      { id: '2', name: 'a2-late', qty: 4 },
      { id: '3', name: 'b3', qty: 5 },
    ]);
  });

  test('--order name changes which file wins', async () => {
    const z = await t.h.file('z.csv', 'id,name\n1,from-z\n');
    const y = await t.h.file('y.csv', 'id,name\n1,from-y\n');
    await t.h.load({ files: [z, y], table: 'items', order: 'name' });
    expect((await table())[0]?.name).toBe('from-z');
  });

  test('--touch-column stamps inserts and real updates only; columns the file lacks keep their value', async () => {
    await t.db.query(`INSERT INTO items (id, name, qty, touched) VALUES (1, 'same', 5, '2000-01-01'), (2, 'old', 6, '2000-01-01')`);
    const path = await t.h.file('touch.csv', 'id,name\n1,same\n2,changed\n3,new\n');
    await t.h.load({ files: [path], table: 'items', touchColumn: 'touched' });
    const rows = await t.db.query<{ id: string; qty: number | null; recent: boolean }>(`SELECT id, qty, touched > now() - interval '1 hour' AS recent FROM items ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', qty: 5, recent: false },
      { id: '2', qty: 6, recent: true },
      { id: '3', qty: null, recent: true },
    ]);
  });

  test('--version-column only overwrites older stored rows, and within the load the highest version wins', async () => {
    await t.db.query(`INSERT INTO items (id, name, version) VALUES (1, 'stored-v5', 5), (2, 'stored-v1', 1)`);
    const path = await t.h.file('version.csv', 'id,name,version\n1,older-v4,4\n2,v3,3\n2,v2-later-in-file,2\n');
    const result = await t.h.load({ files: [path], table: 'items', versionColumn: 'version' });
    expect(await t.db.query('SELECT id, name, version FROM items ORDER BY id')).toEqual([
      { id: '1', name: 'stored-v5', version: 5 },
      { id: '2', name: 'v3', version: 3 },
    ]);
    expect(result.totals).toMatchObject({ updated: 1, unchanged: 1, collapsed: 1 });
  });
});

describe('other modes', () => {
  test('insert refuses keys that already exist, naming them', async () => {
    await t.db.query(`INSERT INTO items (id, name) VALUES (2, 'there')`);
    const path = await t.h.file('insert.csv', 'id,name\n1,a\n2,b\n');
    const result = await t.h.load({ files: [path], table: 'items', mode: 'insert' });
    expect(result.exitCode).toBe(1);
    expect(result.files[0]?.error).toMatchObject({ code: 'KEYLOAD_DUPLICATE_KEY', file: path, line: 3 });
    expect(result.files[0]?.error?.message).toContain('(2)');
    expect(await table()).toEqual([{ id: '2', name: 'there', qty: null }]);
  });

  test('ignore leaves existing rows untouched', async () => {
    await t.db.query(`INSERT INTO items (id, name) VALUES (1, 'kept')`);
    const path = await t.h.file('ignore.csv', 'id,name\n1,ignored\n2,added\n');
    const result = await t.h.load({ files: [path], table: 'items', mode: 'ignore' });
    expect(result.totals).toMatchObject({ inserted: 1, unchanged: 1 });
    expect((await table()).map((r) => r.name)).toEqual(['kept', 'added']);
  });

  test('replace swaps the whole content in one transaction, later files winning', async () => {
    await t.db.query(`INSERT INTO items (id, name) VALUES (9, 'gone')`);
    const a = await t.h.file('r-a.csv', 'id,name\n1,a\n2,a\n');
    const b = await t.h.file('r-b.csv', 'id,name\n2,b\n');
    const result = await t.h.load({ files: [a, b], table: 'items', mode: 'replace' });
    expect(result.exitCode).toBe(0);
    expect((await table()).map((r) => `${r.id}:${r.name}`)).toEqual(['1:a', '2:b']);
  });

  test('replace is all-or-nothing: one unreadable file leaves the table as it was', async () => {
    await t.db.query(`INSERT INTO items (id, name) VALUES (9, 'kept')`);
    const a = await t.h.file('ok.csv', 'id,name\n1,a\n');
    const bad = await t.h.file('bad.csv', 'id,name\n"unterminated\n');
    const result = await t.h.load({ files: [a, bad], table: 'items', mode: 'replace' });
    expect(result.exitCode).toBe(1);
    expect(result.files.every((f) => f.status === 'failed')).toBe(true);
    expect(await table()).toEqual([{ id: '9', name: 'kept', qty: null }]);
  });

  test('append copies every row, duplicates included, without needing a key', async () => {
    await t.db.query('CREATE TABLE events (at date, what text)');
    const path = await t.h.file('events.csv', 'at,what\n2024-01-01,x\n2024-01-01,x\n2024-01-02,y\n');
    const result = await t.h.load({ files: [path], table: 'events', mode: 'append' });
    expect(result.totals).toMatchObject({ read: 3, inserted: 3 });
    expect(await t.db.query(`SELECT at::text, what FROM events ORDER BY at, what`)).toHaveLength(3);
  });
});

describe('bad rows', () => {
  const bad = [
    'id,name,qty',
    '1,ok,1',
    '2,wrong-count',
    'x3,bad-id,3',
    '4,big,99999999999',
    '5,,5',
    '6,"multi',
    'line",6',
    '7,ok,7',
  ].join('\n');

  test('are written to a rejects CSV with line, column and reason, while the good rows load', async () => {
    const path = await t.h.file('bad.csv', `${bad}\n`);
    const result = await t.h.load({ files: [path], table: 'items' });
    expect(result.exitCode).toBe(3);
    expect(result.totals).toMatchObject({ read: 7, inserted: 3, rejected: 4 });
    expect((await table()).map((r) => r.id)).toEqual(['1', '6', '7']);
    const rejects = (await readFile(result.files[0]?.rejectsFile as string, 'utf8')).trim().split('\n');
    expect(rejects[0]).toBe('line,column,reason,id,name,qty');
    expect(rejects.slice(1).map((r) => r.split(',').slice(0, 2).join(','))).toEqual(['3,', '4,id', '5,qty', '6,name']);
    expect(rejects[1]).toContain('expected 3 fields, found 2');
    expect(rejects[2]).toMatch(/invalid input syntax for type bigint/);
    expect(rejects[3]).toMatch(/out of range/);
    expect(rejects[4]).toContain('NOT NULL');
  });

  test('--on-error abort fails the file at the first bad row and writes nothing', async () => {
    const path = await t.h.file('abort.csv', `${bad}\n`);
    const result = await t.h.load({ files: [path], table: 'items', onError: 'abort' });
    expect(result.exitCode).toBe(1);
    expect(result.files[0]?.error).toMatchObject({ code: 'KEYLOAD_ROW_REJECTED', line: 3 });
    expect(await table()).toEqual([]);
  });

  test('append rejects bad rows too, line numbers intact', async () => {
    await t.db.query('CREATE TABLE IF NOT EXISTS counts (n smallint NOT NULL)');
    await t.db.query('TRUNCATE counts');
    const path = await t.h.file('counts.csv', 'n\n1\n70000\n\n2\nabc\n');
    const result = await t.h.load({ files: [path], table: 'counts', mode: 'append' });
    expect(await t.db.query('SELECT n FROM counts ORDER BY n')).toEqual([{ n: 1 }, { n: 2 }]);
    const rejects = (await readFile(result.files[0]?.rejectsFile as string, 'utf8')).trim().split('\n').slice(1);
    expect(rejects.map((r) => r.split(',')[0])).toEqual(['3', '6']);
  });
});

describe('many chunks', () => {
  const rows = 42_123;
  const big = `id,name,qty\n${Array.from({ length: rows }, (_, i) => `${i},n${i},${i % 1000}`).join('\n')}\n`;

  test.each(['append', 'upsert'] as const)('%s: a file of many read-ahead chunks loads every row exactly once', async (mode) => {
    await t.db.query('CREATE TABLE IF NOT EXISTS many (id int, name text, qty int)');
    await t.db.query('TRUNCATE many');
    if (mode === 'upsert') await t.db.query('ALTER TABLE many ADD PRIMARY KEY (id)');
    const path = await t.h.file(`many-${mode}.csv`, big);
    // 7,000-row sub-batches do not line up with the reader's 5,000-row chunks.
    const result = await t.h.load({ files: [path], table: 'many', mode, batchSize: 7_000 });
    expect(result.totals).toMatchObject({ read: rows, inserted: rows });
    expect(await t.db.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, sum(id)::bigint AS s FROM many')).toEqual([
      { n: rows, d: rows, s: String((rows * (rows - 1)) / 2) },
    ]);
    await t.db.query('DROP TABLE many');
  });
});
