import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, formatError, KeyloadError } from '../../../shared/errors.ts';
import { columnNames, openCsvSource } from './csv-source.ts';
import type { OpenSourceOptions, RowSource, SourceRow } from './source.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-csv-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let fileCount = 0;
async function file(content: string | Uint8Array, name = `f${++fileCount}.csv`): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function open(content: string | Uint8Array, options: OpenSourceOptions = {}, gzip = false): Promise<RowSource> {
  return openCsvSource(await file(content), { gzip }, options);
}

async function readAll(source: RowSource): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const batch of source.rows()) rows.push(...batch);
  return rows;
}

async function failure(promise: Promise<unknown>): Promise<KeyloadError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KeyloadError)) throw new Error(`expected a KeyloadError, got ${String(error)}`);
  return error;
}

const values = (rows: SourceRow[]): (string | null)[][] => rows.map((row) => row.values);
const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();

describe('openCsvSource', () => {
  it('reads a UTF-8 file with a BOM: columns, types, rows with line numbers, description', async () => {
    const source = await open('\uFEFFid,name,amount,day\n1,Zoë,2.50,2024-01-01\n\n2,"B, ""b""",3,2024-01-02\n');
    expect(source.columns).toEqual([
      { name: 'id', pgType: 'bigint' },
      { name: 'name', pgType: 'text' },
      { name: 'amount', pgType: 'numeric' },
      { name: 'day', pgType: 'date' },
    ]);
    expect(source.description).toEqual({
      type: 'csv',
      gzip: false,
      dialect: { delimiter: ',', quote: '"', escape: '"', hasHeader: true, encoding: 'utf-8', bom: true, lineEnding: '\n' },
    });
    expect(await readAll(source)).toEqual([
      { line: 2, values: ['1', 'Zoë', '2.50', '2024-01-01'] },
      { line: 4, values: ['2', 'B, "b"', '3', '2024-01-02'] },
    ]);
  });

  it('reads UTF-16 LE and BE files with a BOM', async () => {
    const text = 'name,emoji\nJosé,😀\n"€, ok",ü\n';
    for (const [encoding, bytes] of [
      ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
      ['utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
    ] as const) {
      const source = await open(bytes);
      expect(source.description.dialect).toMatchObject({ encoding, bom: true });
      expect(source.columns.map((c) => c.name)).toEqual(['name', 'emoji']);
      expect(values(await readAll(source))).toEqual([
        ['José', '😀'],
        ['€, ok', 'ü'],
      ]);
    }
  });

  it('falls back to Windows-1252 when the bytes are not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('city;price\nCaf'), Buffer.from([0xe9]), Buffer.from(';'), Buffer.from([0x80]), Buffer.from('5\n')]);
    const source = await open(bytes);
    expect(source.description.dialect).toMatchObject({ encoding: 'windows-1252', bom: false, delimiter: ';' });
    expect(values(await readAll(source))).toEqual([['Café', '€5']]);
  });

  it('refuses to guess on UTF-8 with a stray byte (line and offset), and loads it as told with an encoding', async () => {
    const bytes = Buffer.concat([Buffer.from('id,city\n1,café\n2,Zürich\n3,Mal'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const error = await failure(open(bytes));
    const offset = bytes.indexOf(0xe9, 30);
    expect(error).toMatchObject({ code: ErrorCodes.encoding, location: { line: 4 } });
    expect(error.message).toBe(`The text is UTF-8 but byte 0xE9 at byte offset ${offset} is not: the encoding cannot be told safely.`);
    expect(error.hint).toMatch(/--encoding windows-1252/);
    const told = await open(bytes, { dialect: { encoding: 'windows-1252' } });
    expect(told.description.dialect?.encoding).toBe('windows-1252');
    expect(values(await readAll(told))).toEqual([['1', 'cafÃ©'], ['2', 'ZÃ¼rich'], ['3', 'Malé']]);
  });

  it('lets overrides win over detection', async () => {
    const source = await open('a,b\n1,café\n', { dialect: { hasHeader: false, encoding: 'windows-1252', delimiter: ';' } });
    expect(source.columns.map((c) => c.name)).toEqual(['column_1']);
    expect(values(await readAll(source))).toEqual([['a,b'], ['1,cafÃ©']]);
  });

  it('applies the CSV options before type sampling and to every row; dates and numbers in the header stay as written', async () => {
    const text = 'NULL;31/12/2024;1.234,5\nNULL;01/02/2024;-0,5\nx;29/02/2023;2\n';
    const source = await open(text, { dialect: { delimiter: ';', hasHeader: true }, values: { nullString: 'NULL', dateFormat: 'DD/MM/YYYY', decimalComma: true } });
    expect(source.columns).toEqual([
      { name: 'column_1', pgType: 'text' }, // the NULL string names no column
      { name: '31/12/2024', pgType: 'date' },
      { name: '1.234,5', pgType: 'numeric' },
    ]);
    expect(await readAll(source)).toEqual([
      { line: 2, values: [null, '2024-02-01', '-0.5'] },
      { line: 3, values: ['x', '29/02/2023', '2'], reject: { column: 1, reason: '"29/02/2023" is not a valid date for the date format DD/MM/YYYY' } },
    ]);
  });

  it('fails clearly on an impossible dialect', async () => {
    const error = await failure(open('a,b\n', { dialect: { delimiter: '"' } }));
    expect(error.code).toBe(ErrorCodes.usage);
    expect(error.message).toMatch(/delimiter must differ from the quote/);
    expect((await failure(open('a,b\n', { dialect: { delimiter: ';', escape: ';' } }))).message).toMatch(/delimiter ";": it is also the quote or escape/);
  });

  it('reads each delimiter', async () => {
    for (const delimiter of [',', ';', '\t', '|'] as const) {
      const source = await open(['x', 'y', 'z'].join(delimiter) + '\n' + ['1', 'a b', ''].join(delimiter) + '\n');
      expect(source.description.dialect?.delimiter).toBe(delimiter);
      expect(values(await readAll(source))).toEqual([['1', 'a b', null]]);
    }
  });

  it('gives generated names to a file without a header and yields its first line as a row', async () => {
    const source = await open('1,2024-01-01,x\n2,2024-01-02,y\n');
    expect(source.columns).toEqual([
      { name: 'column_1', pgType: 'bigint' },
      { name: 'column_2', pgType: 'date' },
      { name: 'column_3', pgType: 'text' },
    ]);
    expect(await readAll(source)).toEqual([
      { line: 1, values: ['1', '2024-01-01', 'x'] },
      { line: 2, values: ['2', '2024-01-02', 'y'] },
    ]);
  });

  it('reads CRLF files with quoted line breaks, keeping file line numbers', async () => {
    const source = await open('id,note\r\n1,"two\r\nlines"\r\n2,"three\nmore\r\nlines"\r\n3,end\r\n');
    expect(source.description.dialect?.lineEnding).toBe('\r\n');
    expect(await readAll(source)).toEqual([
      { line: 2, values: ['1', 'two\r\nlines'] },
      { line: 4, values: ['2', 'three\nmore\r\nlines'] },
      { line: 7, values: ['3', 'end'] },
    ]);
  });

  it('reads gzip, counting compressed bytes', async () => {
    const text = 'id,word\n' + Array.from({ length: 30_000 }, (_, i) => `${i},word${i % 7}\n`).join('');
    const compressed = gzipSync(text);
    const source = await open(compressed, {}, true);
    expect(source.description).toMatchObject({ type: 'csv', gzip: true });
    expect(source.totalBytes).toBe(compressed.length);
    const rows = await readAll(source);
    expect(rows).toHaveLength(30_000);
    expect(rows[29_999]).toEqual({ line: 30_001, values: ['29999', `word${29_999 % 7}`] });
    expect(source.bytesRead()).toBe(compressed.length);
  });

  it('reports a corrupt gzip stream as corrupt, naming the file', async () => {
    const text = 'id,word\n' + Array.from({ length: 400_000 }, (_, i) => `${i},${(i * 7919) % 1000003}\n`).join('');
    const compressed = gzipSync(text);
    const truncated = await file(compressed.subarray(0, compressed.length - 1000), 'truncated.csv.gz');
    const source = await openCsvSource(truncated, { gzip: true }, { inferenceSampleRows: 10 });
    const error = await failure(readAll(source));
    expect([error.code, error.location.file]).toEqual([ErrorCodes.fileCorrupt, truncated]);
    expect(error.message).toMatch(/gzip data is corrupt/);

    const small = await file(gzipSync('a,b\n1,2\n').subarray(0, 15), 'small.csv.gz');
    expect(await failure(openCsvSource(small, { gzip: true }, {}))).toMatchObject({ code: ErrorCodes.fileCorrupt, location: { file: small } });
  });

  it('fails on an unterminated quote with the file and the line where it opened', async () => {
    const path = await file('id,name\n1,ok\n2,"broken\n3,x\n');
    const error = await failure(openCsvSource(path, { gzip: false }, {}));
    expect([error.code, error.location.line]).toEqual([ErrorCodes.fileCorrupt, 3]);
    expect(formatError(error.toInfo())).toContain(`${path}:3: Unterminated quoted field`);

    // Beyond the inference sample the error comes from rows(), after the good rows before it.
    const far = await file('id,name\n' + '1,ok\n'.repeat(5000) + '2,"broken\n3,x\n');
    const source = await openCsvSource(far, { gzip: false }, { inferenceSampleRows: 100 });
    let seen = 0;
    const farError = await failure(
      (async () => {
        for await (const batch of source.rows()) seen += batch.length;
      })(),
    );
    expect(farError.location).toEqual({ file: far, line: 5002, column: undefined });
    expect(seen).toBe(5000);
  });

  it('fails on invalid UTF-8 after a valid start, naming the line', async () => {
    const path = await file(Buffer.concat([Buffer.from('id,name\n' + '1,abcdefgh\n'.repeat(200_000)), Buffer.from([0x32, 0x2c, 0xe9, 0x0a])]));
    const source = await openCsvSource(path, { gzip: false }, { inferenceSampleRows: 10 });
    const error = await failure(readAll(source));
    expect(error).toMatchObject({ code: ErrorCodes.encoding, location: { file: path, line: 200_002 } });
    expect(error.message).toBe(`Not valid UTF-8 text: invalid byte sequence 0xE9 0x0A at byte offset ${8 + 11 * 200_000 + 2}.`);
    expect(error.hint).toMatch(/Windows-1252/);
  });

  it('fails clearly on empty, blank, missing and binary files', async () => {
    expect(await failure(open(''))).toMatchObject({ code: ErrorCodes.fileCorrupt, message: 'The file is empty.' });
    expect(await failure(open('\uFEFF\n\r\n\n'))).toMatchObject({ code: ErrorCodes.fileCorrupt, message: 'The file holds no records, only blank lines.' });
    const missing = join(dir, 'nope.csv');
    expect(await failure(openCsvSource(missing, { gzip: false }, {}))).toMatchObject({ code: ErrorCodes.fileNotFound, location: { file: missing } });
    const binary = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 31) % 256));
    expect(await failure(open(binary))).toMatchObject({ code: ErrorCodes.fileUnsupported });
  });

  it('yields rows with the wrong number of fields as they are', async () => {
    const source = await open('a,b,c\n1,2,3\n4,5\n6,7,8,9\n');
    expect(values(await readAll(source))).toEqual([
      ['1', '2', '3'],
      ['4', '5'],
      ['6', '7', '8', '9'],
    ]);
  });

  it('cleans header names: trims, names empty ones, disambiguates repeats', async () => {
    const source = await open(' id ,,Name,name, id,column_2\nx,y,z,w,v,u\n', { dialect: { hasHeader: true } });
    expect(source.columns.map((c) => c.name)).toEqual(['id', 'column_2', 'Name', 'name_2', 'id_2', 'column_2_2']);
    expect(columnNames([null, '', '  '])).toEqual(['column_1', 'column_2', 'column_3']);
  });

  it('infers types from the first inferenceSampleRows rows only', async () => {
    const content = 'n\n' + '1\n'.repeat(50) + 'x\n';
    expect((await open(content, { inferenceSampleRows: 50 })).columns[0]?.pgType).toBe('bigint');
    expect((await open(content)).columns[0]?.pgType).toBe('text');
  });

  it('yields batches of at most 2000 rows, in file order', async () => {
    const source = await open('n\n' + Array.from({ length: 4500 }, (_, i) => `${i}\n`).join(''));
    const sizes: number[] = [];
    const rows: SourceRow[] = [];
    for await (const batch of source.rows()) {
      sizes.push(batch.length);
      rows.push(...batch);
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2000);
    expect(rows.map((row) => row.line)).toEqual(Array.from({ length: 4500 }, (_, i) => i + 2));
  });

  it('streams with backpressure: reads only ahead of what was consumed, and close() stops it', async () => {
    // Short rows: one read chunk holds many batches, and close() must stop those too.
    const source = await open('id,text\n' + '1,x\n'.repeat(2_000_000), { inferenceSampleRows: 10 });
    const iterator = source.rows()[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toHaveLength(2000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.bytesRead()).toBeGreaterThan(0);
    expect(source.bytesRead()).toBeLessThan(source.totalBytes / 4);
    await source.close();
    await source.close();
    expect((await iterator.next()).done).toBe(true);
  });

  it('can be read only once', async () => {
    const source = await open('a\n1\n');
    await readAll(source);
    expect(await failure(readAll(source))).toMatchObject({ code: ErrorCodes.internal });
  });
});
