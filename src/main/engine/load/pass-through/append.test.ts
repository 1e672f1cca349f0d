// Append's pass-through: a plain CSV goes to the server as it is, a COPY per sub-batch; anything the
// server refuses, or that COPY could misread, goes the usual way from there, with nothing lost or
// doubled.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';

const t = useTestHarness();

/** COPY statements the load sent that let the server parse the CSV itself (one per sub-batch). */
let csvCopies: string[] = [];

beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS events; DROP SCHEMA IF EXISTS keyload CASCADE');
  await t.db.query('CREATE TABLE events (id int, name text, at date)');
  csvCopies = [];
  const query = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as { text?: unknown } | string | undefined;
    const sql = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
    if (sql.includes('FORMAT csv')) csvCopies.push(sql);
    return Reflect.apply(query, this, args) as ReturnType<typeof query>;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Sub-batches the manifest recorded for the file. */
async function batchesDone(): Promise<number> {
  const rows = await t.db.query<{ batches_done: number }>('SELECT batches_done FROM keyload.keyload_manifest');
  return rows[0]?.batches_done ?? -1;
}

const rows = () => t.db.query('SELECT id, name, at::text AS at FROM events ORDER BY id');
const notices = (events: { type: string; message?: string }[]) => events.flatMap((e) => (e.type === 'notice' && e.message ? [e.message] : []));

test('a plain CSV (quotes, line breaks in a field, a BOM, non-ASCII) goes to the server as it is, a COPY per sub-batch', async () => {
  const path = await t.h.file('plain.csv', '\uFEFFid;name;at\n1;"Zoë ""Z""";2024-01-02\n2;"two\nlines";\n3;;2024-03-04\n');
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 2 });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { read: 3, inserted: 3, rejected: 0 } });
  expect(await batchesDone()).toBe(2);
  expect(csvCopies).toHaveLength(2);
  expect(csvCopies[0]).toContain('HEADER true');
  expect(csvCopies[1]).toContain('HEADER false');
  expect(notices(result.events)).toEqual([]);
  expect(await rows()).toEqual([
    { id: 1, name: 'Zoë "Z"', at: '2024-01-02' },
    { id: 2, name: 'two\nlines', at: null },
    { id: 3, name: null, at: '2024-03-04' },
  ]);
});

test('a gzipped CSV with CRLF line ends goes through as well', async () => {
  const path = join(t.h.dir, 'plain.csv.gz');
  await writeFile(path, gzipSync('id,name,at\r\n1,a,2024-01-01\r\n2,b,2024-01-02\r\n'));
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 1 });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { read: 2, inserted: 2 } });
  expect(csvCopies).toHaveLength(2);
  expect(await rows()).toEqual([
    { id: 1, name: 'a', at: '2024-01-01' },
    { id: 2, name: 'b', at: '2024-01-02' },
  ]);
});

test('a bad value sends the rest of the file the usual way: every good row loads once, the bad one is rejected', async () => {
  const path = await t.h.file('bad.csv', 'id,name,at\n1,a,2024-01-01\n2,b,2024-01-02\n3,c,not a date\n4,d,2024-01-04\n5,e,2024-01-05\n');
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 2 });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { read: 5, inserted: 4, rejected: 1 } });
  // The first sub-batch went through; the second was refused, and it and the third were read row by row.
  expect(csvCopies).toHaveLength(2);
  expect(notices(result.events)).toEqual([expect.stringContaining('row by row from sub-batch 2')]);
  expect(await batchesDone()).toBe(3);
  expect((await rows()).map((r) => r.id)).toEqual([1, 2, 4, 5]);
});

test('a line holding only \\. (where COPY would stop reading) never cuts the file short', async () => {
  const marker = await t.h.file('marker.csv', 'id,name,at\n1,a,\n\\.\n2,b,\n');
  // The marker right at a 1 MiB read boundary.
  const pad = 'x'.repeat((1 << 20) - 'id,name,at\n1,'.length - ',\n'.length);
  const split = await t.h.file('split.csv', `id,name,at\n1,${pad},\n\\.\n2,b,\n`);
  for (const path of [marker, split]) {
    await t.db.query('TRUNCATE events; DROP SCHEMA IF EXISTS keyload CASCADE');
    const result = await t.h.load({ files: [path], table: 'events', mode: 'append' });
    // The reader takes the marker line for a one-field row, which it rejects; both real rows load.
    expect(result.files[0]?.counts).toMatchObject({ read: 3, inserted: 2, rejected: 1 });
    expect((await rows()).map((r) => r.id)).toEqual([1, 2]);
  }
});

test('options the server cannot apply (a NULL string here) keep the reader', async () => {
  const path = await t.h.file('null.csv', 'id,name,at\n1,NA,2024-01-01\n2,b,NA\n');
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 1, csv: { nullString: 'NA' } });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { inserted: 2 } });
  expect(csvCopies).toEqual([]);
  expect(await rows()).toEqual([
    { id: 1, name: null, at: '2024-01-01' },
    { id: 2, name: 'b', at: null },
  ]);
});
