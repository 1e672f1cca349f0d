// Append's pass-through: a plain CSV goes to the server as it is, in one COPY; anything the server
// refuses, or that COPY would misread, goes the usual way, with nothing lost or doubled.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeEach, expect, test } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';

const t = useTestHarness();

beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS events; DROP SCHEMA IF EXISTS keyload CASCADE');
  await t.db.query('CREATE TABLE events (id int, name text, at date)');
});

/** Sub-batches the manifest recorded for the file: one when the bytes went through as they are. */
async function batchesDone(): Promise<number> {
  const rows = await t.db.query<{ batches_done: number }>('SELECT batches_done FROM keyload.keyload_manifest');
  return rows[0]?.batches_done ?? -1;
}

const rows = () => t.db.query('SELECT id, name, at::text AS at FROM events ORDER BY id');

test('a plain CSV (quotes, line breaks in a field, a BOM, non-ASCII) loads in one COPY of its bytes', async () => {
  const path = await t.h.file('plain.csv', '\uFEFFid;name;at\n1;"Zoë ""Z""";2024-01-02\n2;"two\nlines";\n3;;2024-03-04\n');
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 1 });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { read: 3, inserted: 3, rejected: 0 } });
  expect(await batchesDone()).toBe(1);
  expect(await rows()).toEqual([
    { id: 1, name: 'Zoë "Z"', at: '2024-01-02' },
    { id: 2, name: 'two\nlines', at: null },
    { id: 3, name: null, at: '2024-03-04' },
  ]);
});

test('a gzipped CSV goes through as well', async () => {
  const path = join(t.h.dir, 'plain.csv.gz');
  await writeFile(path, gzipSync('id,name,at\r\n1,a,2024-01-01\r\n2,b,2024-01-02\r\n'));
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 1 });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { read: 2, inserted: 2 } });
  expect(await batchesDone()).toBe(1);
  expect((await rows()).map((r) => r.name)).toEqual(['a', 'b']);
});

test('a bad value sends the file the usual way: the good rows load once, the bad one is rejected', async () => {
  const path = await t.h.file('bad.csv', 'id,name,at\n1,a,2024-01-01\n2,b,not a date\n3,c,2024-01-03\n');
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 2 });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { read: 3, inserted: 2, rejected: 1 } });
  expect(await batchesDone()).toBe(2);
  expect((await rows()).map((r) => r.id)).toEqual([1, 3]);
});

test('a line holding only \\. (where COPY would stop reading) never cuts the file short', async () => {
  // Split across reads too: the marker sits right at a 1 MiB boundary in the second file.
  const marker = await t.h.file('marker.csv', 'id,name,at\n1,a,\n\\.\n2,b,\n');
  const pad = 'x'.repeat((1 << 20) - 'id,name,at\n1,'.length - ',\n'.length);
  const split = await t.h.file('split.csv', `id,name,at\n1,${pad},\n\\.\n2,b,\n`);
  for (const path of [marker, split]) {
    await t.db.query('TRUNCATE events; DROP SCHEMA IF EXISTS keyload CASCADE');
    const result = await t.h.load({ files: [path], table: 'events', mode: 'append' });
    // The reader reads the marker line as a one-field row, which it rejects; both real rows load.
    expect(result.files[0]?.counts).toMatchObject({ read: 3, inserted: 2, rejected: 1 });
    expect((await rows()).map((r) => r.id)).toEqual([1, 2]);
  }
});

test('options the server cannot apply (a NULL string, decimal commas) keep the reader', async () => {
  const path = await t.h.file('null.csv', 'id,name,at\n1,NA,2024-01-01\n2,b,NA\n');
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 1, csv: { nullString: 'NA' } });
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { inserted: 2 } });
  expect(await batchesDone()).toBe(2);
  expect(await rows()).toEqual([
    { id: 1, name: null, at: '2024-01-01' },
    { id: 2, name: 'b', at: null },
  ]);
});
