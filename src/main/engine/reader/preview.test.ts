// The row preview through the real reader workers, over real files on disk.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { FileOverrides } from '../../../shared/load-options.ts';
import { sourceOptions } from '../input/source-options.ts';
import { closeReaderPool } from './reader-pool.ts';
import { ReaderClient } from './reader-client.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-preview-'));
});
afterAll(async () => {
  await closeReaderPool();
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function preview(path: string, overrides: FileOverrides = {}, inferenceSampleRows?: number) {
  const reader = new ReaderClient(path);
  try {
    return await reader.preview({ ...sourceOptions(overrides), ...(inferenceSampleRows ? { inferenceSampleRows } : {}) });
  } finally {
    await reader.close();
  }
}

async function previewError(path: string, overrides: FileOverrides = {}): Promise<KeyloadError> {
  const error: unknown = await preview(path, overrides).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KeyloadError)) throw new Error(`expected a KeyloadError, got ${String(error)}`);
  return error;
}

describe('row preview', () => {
  it('shows the first 100 rows with their lines, and marks the cells the detected types would reject', async () => {
    // The types come from the first 3 rows (a file's sample is larger; the rule is the same), bad cells after them.
    const good = Array.from({ length: 150 }, (_, i) => `${i},${i}.5,2024-01-0${(i % 9) + 1},name ${i}`);
    const rows = [...good.slice(0, 3), '3,oops,2024-01-04,"multi\nline"', '4,4.5', '5,5.5,2024-02-30,x', '006, 6.5 ,2024-01-07,as PostgreSQL reads it', ...good.slice(7)];
    const path = await file('bad-cells.csv', `id,amount,day,name\n${rows.join('\n')}\n`);
    const result = await preview(path, {}, 3);
    expect(result.columns).toEqual([
      { name: 'id', pgType: 'bigint' },
      { name: 'amount', pgType: 'numeric' },
      { name: 'day', pgType: 'date' },
      { name: 'name', pgType: 'text' },
    ]);
    expect(result.rows).toHaveLength(100);
    expect(result.rows[3]).toEqual(['3', 'oops', '2024-01-04', 'multi\nline']);
    expect(result.rows[4]).toEqual(['4', '4.5', null, null]);
    expect(result.lines.slice(0, 7)).toEqual([2, 3, 4, 5, 7, 8, 9]);
    expect(result.invalidCells).toEqual([
      { row: 3, column: 1, reason: 'invalid input syntax for type numeric: "oops"' },
      { row: 4, column: 2, reason: 'expected 4 fields, found 2' },
      { row: 5, column: 2, reason: 'invalid input syntax for type date: "2024-02-30"' },
    ]);
  });

  it('overrides change the parse: delimiter, NULL string, date format, decimal comma, trimming', async () => {
    const path = await file('european.csv', 'id;amount;day;note\n1; 1.234,5 ;31/12/2024;NULL\n2;-0,25;01/02/2024;"NULL"\n3;7;31/02/2024; x \n');
    const sniffed = await preview(path);
    expect(sniffed.columns.map((c) => c.pgType)).toEqual(['bigint', 'text', 'text', 'text']);
    expect(sniffed.rows[0]).toEqual(['1', ' 1.234,5 ', '31/12/2024', 'NULL']);

    const read = await preview(path, { delimiter: ';', nullString: 'NULL', dateFormat: 'DD/MM/YYYY', decimalComma: true, trim: true });
    expect(read.columns.map((c) => c.pgType)).toEqual(['bigint', 'numeric', 'date', 'text']);
    expect(read.rows).toEqual([
      ['1', '1234.5', '2024-12-31', null],
      ['2', '-0.25', '2024-02-01', 'NULL'],
      ['3', '7', '31/02/2024', 'x'],
    ]);
    expect(read.invalidCells).toEqual([{ row: 2, column: 2, reason: '"31/02/2024" is not a valid date for the date format DD/MM/YYYY' }]);

    const other = await file('hash.csv', 'a#b\n"x\\"y"#2\n');
    expect((await preview(other, { delimiter: '#', escape: '\\' })).rows).toEqual([['x"y', '2']]);
    expect((await preview(other, { delimiter: '#', escape: '\\' })).description.dialect).toMatchObject({ delimiter: '#', quote: '"', escape: '\\' });
  });

  it('previews Parquet with row numbers and typed values', async () => {
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: BigInt64Array.from(Array.from({ length: 120 }, (_, i) => BigInt(i + 1))), type: 'INT64' },
        { name: 'label', data: Array.from({ length: 120 }, (_, i) => (i === 1 ? null : `row ${i + 1}`)), type: 'STRING' },
      ],
    });
    const result = await preview(await file('items.parquet', new Uint8Array(buffer)));
    expect(result.description.type).toBe('parquet');
    expect(result.columns.map((c) => c.name)).toEqual(['id', 'label']);
    expect(result.rows).toHaveLength(100);
    expect(result.rows.slice(0, 2)).toEqual([
      ['1', 'row 1'],
      ['2', null],
    ]);
    expect(result.lines.slice(0, 3)).toEqual([1, 2, 3]);
    expect(result.invalidCells).toEqual([]);
  });

  it('a hostile file gives a clear error: an unterminated quote, binary junk, a bad option', async () => {
    const unterminated = await previewError(await file('unterminated.csv', 'id,name\n1,ok\n2,"never closed\n3,x\n'));
    expect(unterminated.code).toBe(ErrorCodes.fileCorrupt);
    expect(unterminated.message).toMatch(/Unterminated quoted field: the quote opened on line 3/);
    expect(unterminated.location.line).toBe(3);

    const junk = Uint8Array.from({ length: 4096 }, (_, i) => (i * 37) % 256);
    const binary = await previewError(await file('junk.csv', junk));
    expect(binary.code).toBe(ErrorCodes.fileUnsupported);
    expect(binary.message).toMatch(/does not look like a text file/);

    const format = await previewError(await file('ok.csv', 'a\n1\n'), { dateFormat: 'YYYY' });
    expect(format.code).toBe(ErrorCodes.usage);
    expect(format.message).toMatch(/date format "YYYY" cannot be used/);
  });
});
