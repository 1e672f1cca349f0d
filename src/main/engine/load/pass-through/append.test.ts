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
/** The server processes (connections) those COPYs ran on. */
let copyConnections = new Set<number>();

beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS events; DROP SCHEMA IF EXISTS keyload CASCADE');
  await t.db.query('CREATE TABLE events (id int, name text, at date)');
  csvCopies = [];
  copyConnections = new Set();
  const query = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as { text?: unknown } | string | undefined;
    const sql = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
    if (sql.includes('FORMAT csv')) {
      csvCopies.push(sql);
      copyConnections.add((this as pg.Client & { processID: number }).processID);
    }
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
  // One connection: with two, the third sub-batch may be sent (and rolled back) before the second is refused.
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 2, internalConcurrency: 1 });
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

/** `n` rows `id,name,at`; ids from `ids`, dates valid unless listed in `badAt`. */
function csvLines(ids: number[], badAt: Set<number> = new Set()): string {
  return `id,name,at\n${ids.map((id, i) => `${id},n${i},${badAt.has(i) ? 'not a date' : `2024-01-${String((i % 28) + 1).padStart(2, '0')}`}`).join('\n')}\n`;
}

test('sub-batches COPYed over several connections at once leave the table, counts and rejects that one connection leaves, refusals and deadlocks included', async () => {
  await t.db.query('DROP TABLE events; CREATE TABLE events (id int PRIMARY KEY, name text, at date)');
  // 30 sub-batches of 50: a bad date in sub-batch 8; key 5000 ends sub-batch 1 and starts sub-batch 2, and key 60 is in
  // both (the two COPYs, run at once, each wait for the other's key: a deadlock the server breaks).
  const ids = Array.from({ length: 1500 }, (_, i) => i);
  ids[99] = 5000;
  ids[100] = 5000;
  ids[140] = 60;
  const path = await t.h.file('lanes.csv', csvLines(ids, new Set([420])));
  const outcome = async (internalConcurrency: number) => {
    await t.db.query('TRUNCATE events; DROP SCHEMA IF EXISTS keyload CASCADE');
    copyConnections = new Set();
    const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 50, internalConcurrency });
    return { counts: result.files[0]?.counts, rows: await rows(), connections: copyConnections.size };
  };
  const serial = await outcome(1);
  expect(serial.counts).toMatchObject({ read: 1500, inserted: 1497, rejected: 3 });
  expect(serial.connections).toBe(1);
  for (const lanes of [2, 3]) {
    const parallel = await outcome(lanes);
    expect(parallel.connections).toBeGreaterThan(1);
    expect({ ...parallel, connections: 0 }).toEqual({ ...serial, connections: 0 });
  }
});

test('a column a sequence fills keeps file order: such a table gets its sub-batches over one connection', async () => {
  await t.db.query('DROP TABLE events; CREATE TABLE events (n bigint GENERATED ALWAYS AS IDENTITY, id int, name text, at date)');
  const ids = Array.from({ length: 2000 }, (_, i) => 2000 - i);
  const path = await t.h.file('ordered.csv', csvLines(ids));
  const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 100, internalConcurrency: 2 });
  expect(result.files[0]?.error ?? null).toBeNull();
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { inserted: 2000 } });
  expect(csvCopies).toHaveLength(20);
  expect(copyConnections.size).toBe(1);
  const numbered = await t.db.query<{ id: number }>('SELECT id FROM events ORDER BY n');
  expect(numbered.map((r) => r.id)).toEqual(ids);
});

test('a sub-batch that takes a key an earlier, slower sub-batch still has to write gives way, instead of both waiting for ever', { timeout: 30_000 }, async () => {
  await t.db.query('DROP TABLE events; CREATE TABLE events (id int PRIMARY KEY, name text, at date)');
  // Sub-batch 1 is slow to parse (long values) and ends with key 5000, which sub-batch 2 starts
  // with: sub-batch 2 writes it first, then must wait for sub-batch 1 to commit, which waits for it.
  const long = 'x'.repeat(100_000);
  const lines = ['id,name,at'];
  for (let id = 0; id < 50; id++) lines.push(`${id},short,`);
  for (let id = 50; id < 99; id++) lines.push(`${id},${long},`);
  lines.push('5000,last of sub-batch 2,', '5000,first of sub-batch 3,');
  for (let id = 101; id < 200; id++) lines.push(`${id},short,`);
  const path = await t.h.file('crossing.csv', `${lines.join('\n')}\n`);
  const outcome = async (internalConcurrency: number) => {
    await t.db.query('TRUNCATE events; DROP SCHEMA IF EXISTS keyload CASCADE');
    const result = await t.h.load({ files: [path], table: 'events', mode: 'append', batchSize: 50, internalConcurrency });
    const kept = await t.db.query<{ name: string }>('SELECT name FROM events WHERE id = 5000');
    return { counts: result.files[0]?.counts, kept, ids: (await t.db.query<{ n: string }>('SELECT count(*) AS n FROM events'))[0]?.n };
  };
  const serial = await outcome(1);
  expect(serial.kept).toEqual([{ name: 'last of sub-batch 2' }]);
  expect(serial.counts).toMatchObject({ inserted: 199, rejected: 1 });
  expect(await outcome(2)).toEqual(serial);
});
