// Staging's pass-through: a plain CSV goes into its staging table as one COPY the server parses,
// with ordinals and line numbers exactly as the reader gives them; anything the server refuses, or
// that would break the line numbering, is staged row by row instead, with nothing lost or doubled.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';

const t = useTestHarness();

/** COPY statements that let the server parse the CSV itself. */
let csvCopies: string[] = [];

beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS people; DROP SCHEMA IF EXISTS keyload CASCADE');
  await t.db.query('CREATE TABLE people (id int PRIMARY KEY, name text, born date)');
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

const rows = () => t.db.query('SELECT id, name, born::text AS born FROM people ORDER BY id');
const notices = (events: { type: string; message?: string }[]) => events.flatMap((e) => (e.type === 'notice' && e.message ? [e.message] : []));
/** The rejects file's rows after its header: line, column, reason, then the values. */
const rejectLines = async (file: string | null | undefined) => (await readFile(file ?? '', 'utf8')).trim().split('\n').slice(1);

test('a plain CSV is staged by one COPY the server parses: the last row of a key wins, and rejects name their lines', async () => {
  const path = await t.h.file('plain.csv', '\uFEFFid,name,born\n1,"Zoë ""Z""",2024-01-02\n2,b,\n1,again,2024-05-05\n,no key,2024-01-01\n3,"c, d",2024-03-04\n');
  const result = await t.h.load({ files: [path], table: 'people' });
  expect(csvCopies).toEqual([expect.stringMatching(/^COPY "keyload"\."s_\w+" .*HEADER true/)]);
  expect(notices(result.events)).toEqual([]);
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { read: 5, inserted: 3, collapsed: 1, rejected: 1 } });
  expect(await rows()).toEqual([
    { id: 1, name: 'again', born: '2024-05-05' },
    { id: 2, name: 'b', born: null },
    { id: 3, name: 'c, d', born: '2024-03-04' },
  ]);
  expect(await rejectLines(result.files[0]?.rejectsFile)).toEqual([expect.stringMatching(/^5,id,key column is empty,/)]);
});

test('without a header, lines count from the first record', async () => {
  const path = await t.h.file('headless.csv', '1,a,2024-01-01\n2,,2024-01-02\n,x,2024-01-03\n');
  const result = await t.h.load({ files: [path], table: 'people', fileOverrides: { [path]: { hasHeader: false } }, map: { column_1: 'id', column_2: 'name', column_3: 'born' } });
  expect(csvCopies).toEqual([expect.stringContaining('HEADER false')]);
  expect(result.files[0]).toMatchObject({ status: 'loaded', counts: { read: 3, inserted: 2, rejected: 1 } });
  expect(await rejectLines(result.files[0]?.rejectsFile)).toEqual([expect.stringMatching(/^3,id,/)]);
});

test('a quoted line break, or a value the server refuses, stages the file row by row: lines stay right and every good row loads once', async () => {
  const multiLine = await t.h.file('multi-line.csv', 'id,name,born\n1,"two\nlines",2024-01-01\n,no key,2024-01-02\n2,b,2024-01-03\n');
  const badValue = await t.h.file('bad-value.csv', 'id,name,born\n4,d,2024-01-04\n5,e,not a date\n6,f,2024-01-06\n4,d again,2024-02-04\n');
  const result = await t.h.load({ files: [multiLine, badValue], table: 'people' });
  expect(notices(result.events).sort()).toEqual([
    `${badValue}: staging it row by row (invalid input syntax for type date: "not a date")`,
    `${multiLine}: staging it row by row (a quoted field holds a line break)`,
  ]);
  expect(result.files.map((f) => f.counts)).toMatchObject([
    { read: 3, inserted: 2, rejected: 1 },
    { read: 4, inserted: 2, collapsed: 1, rejected: 1 },
  ]);
  expect(await rejectLines(result.files[0]?.rejectsFile)).toEqual([expect.stringMatching(/^4,id,/)]);
  expect(await rejectLines(result.files[1]?.rejectsFile)).toEqual([expect.stringMatching(/^3,born,/)]);
  expect((await rows()).map((r) => [r.id, r.name])).toEqual([
    [1, 'two\nlines'],
    [2, 'b'],
    [4, 'd again'],
    [6, 'f'],
  ]);
});

test('gzip through the pass-through keeps the decompression cap, in keyed modes and in append', async () => {
  const path = join(t.h.dir, 'big.csv.gz');
  await writeFile(path, gzipSync(`id,name,born\n${Array.from({ length: 5_000 }, (_, i) => `${i},name ${i},2024-01-01`).join('\n')}\n`));
  for (const mode of ['upsert', 'append'] as const) {
    const result = await t.h.load({ files: [path], table: 'people', mode, maxDecompressedBytes: 50_000 });
    expect(result.files[0]).toMatchObject({ status: 'failed', error: { code: 'KEYLOAD_DECOMPRESSION_LIMIT' } });
  }
  expect(await rows()).toEqual([]);
  const loaded = await t.h.load({ files: [path], table: 'people' });
  expect(csvCopies.length).toBeGreaterThan(0);
  expect(loaded.files[0]).toMatchObject({ status: 'loaded', counts: { inserted: 5_000 } });
});
