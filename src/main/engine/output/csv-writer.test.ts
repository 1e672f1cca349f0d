import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvParser } from '../input/csv-parser.ts';
import type { SourceRow } from '../input/source.ts';
import { CsvFileWriter, csvText, type CsvCell, type CsvFormat } from './csv-writer.ts';

/** Parses with Keyload's own reader, as a load would. */
function parse(text: string, delimiter = ','): CsvCell[][] {
  const parser = new CsvParser({ delimiter, quote: '"', file: 'out.csv' });
  const out: SourceRow[] = [];
  parser.push(text, out);
  parser.finish(out);
  return out.map((row) => row.values);
}

const data: CsvFormat = { escapeFormulas: false };
const spreadsheet: CsvFormat = { escapeFormulas: true };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-csv-writer-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('csvText', () => {
  it('writes NULL as an empty unquoted field and the empty string as "", and reads them back apart', () => {
    const text = csvText([[null, '', 'a'], ['', null, null]], data);
    expect(text).toBe(',"",a\n"",,\n');
    expect(parse(text)).toEqual([
      [null, '', 'a'],
      ['', null, null],
    ]);
  });

  it('quotes delimiters, quotes and line breaks, and keeps multi-byte text as it is', () => {
    const row = ['a,b', 'say "hi"', 'two\nlines', 'cr\rlf\r\n', 'Zürich', '日本語', '😀 ok', 'plain'];
    const text = csvText([row], data);
    expect(text).toBe('"a,b","say ""hi""","two\nlines","cr\rlf\r\n",Zürich,日本語,😀 ok,plain\n');
    expect(parse(text)).toEqual([row]);
  });

  it('quotes a lone \\. so PostgreSQL never takes it for the end-of-data marker', () => {
    expect(csvText([['\\.'], ['\\.x']], data)).toBe('"\\."\n\\.x\n');
  });

  it('honours another delimiter and CRLF line endings', () => {
    const rows = [['id', 'name'], ['1', 'Kraków; Poland'], ['2', 'a,b']];
    const text = csvText(rows, { delimiter: ';', recordDelimiter: '\r\n', escapeFormulas: false });
    expect(text).toBe('id;name\r\n1;"Kraków; Poland"\r\n2;a,b\r\n');
    expect(parse(text, ';')).toEqual(rows);
  });

  it('writes nothing for no rows', () => {
    expect(csvText([], data)).toBe('');
  });

  it('round-trips any rows through Keyload\'s CSV reader, NULL and "" kept apart', () => {
    const unit = fc.oneof(
      fc.constantFrom(',', ';', '|', '\t', '"', "'", '\n', '\r', '\\', '.', '=', '+', '-', '@', ' ', '0', 'é', '€', '😀'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    );
    const cell = fc.option(fc.string({ unit, maxLength: 8 }), { freq: 4 });
    // A row of one NULL field is a blank line, which the reader skips (see csv-writer.ts).
    const row = (width: number) => fc.array(cell, { minLength: width, maxLength: width }).filter((r) => width > 1 || r[0] !== null);
    const table = fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(row(width), { maxLength: 12 }));
    const format = fc.record({ delimiter: fc.constantFrom(',', ';', '\t', '|'), recordDelimiter: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n') });
    fc.assert(
      fc.property(table, format, (rows, { delimiter, recordDelimiter }) => {
        const text = csvText(rows, { delimiter, recordDelimiter, escapeFormulas: false });
        expect(parse(text, delimiter)).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formula escaping', () => {
  it('prefixes cells starting with =, +, -, @, tab or CR with a single quote, header cells too', () => {
    const rows = [
      ['=HYPERLINK("http://x")', '+cmd', '-2+3', '@SUM(A1)', '\tx', '\rx'],
      ['a=b', "'=already", ' =spaced', '', null, 'ok'],
    ];
    const text = csvText(rows, spreadsheet);
    expect(parse(text)).toEqual([
      ["'=HYPERLINK(\"http://x\")", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx"],
      ['a=b', "'=already", ' =spaced', '', null, 'ok'],
    ]);
  });

  it('leaves plain numbers alone, so negative numbers stay numbers', () => {
    const numbers = ['-12.50', '+3', '-0.5e-3', '-.5', '-7'];
    expect(parse(csvText([numbers], spreadsheet))).toEqual([numbers]);
    expect(parse(csvText([['-', '-1-', '+1e', '--5']], spreadsheet))).toEqual([["'-", "'-1-", "'+1e", "'--5"]]);
  });

  it('is off for data files: values are written exactly', () => {
    const rows = [['=1+1', '-x', '@a', '\tb']];
    expect(parse(csvText(rows, data))).toEqual(rows);
  });

  it('never lets a spreadsheet see a cell start a formula, and changes nothing else', () => {
    const cell = fc.option(fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', '1', '.', 'e', 'a', ',', '"', "'"), maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { maxLength: 8 }), (rows) => {
        const read = parse(csvText(rows, spreadsheet));
        read.forEach((cells, r) =>
          cells.forEach((value, c) => {
            const original = rows[r]?.[c] ?? null;
            if (value === original) {
              // Unchanged: no formula start, or a plain number.
              if (value && /^[=+\-@\t\r]/.test(value)) expect(Number.isFinite(Number(value))).toBe(true);
            } else {
              expect(value).toBe(`'${original ?? ''}`);
              expect(original).toMatch(/^[=+\-@\t\r]/);
            }
          }),
        );
        expect(read).toHaveLength(rows.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('CsvFileWriter', () => {
  it('streams many rows to a file with backpressure, byte for byte what csvText writes', async () => {
    const path = join(dir, 'big.csv');
    const rows = Array.from({ length: 20_000 }, (_, i) => [String(i), i % 7 === 0 ? null : `row ${i}, "quoted"`, i % 5 === 0 ? '' : 'ü'.repeat(i % 40)]);
    const writer = await CsvFileWriter.create(path, data);
    for (let i = 0; i < rows.length; i += 1000) await writer.write(rows.slice(i, i + 1000));
    await writer.close();
    const text = await readFile(path, 'utf8');
    expect(text).toBe(csvText(rows, data));
    expect(parse(text)).toEqual(rows);
  });

  it('escapes formulas when asked to', async () => {
    const path = join(dir, 'escaped.csv');
    const writer = await CsvFileWriter.create(path, spreadsheet);
    await writer.write([['=1+1', null, '']]);
    await writer.close();
    expect(await readFile(path, 'utf8')).toBe(`'=1+1,,""\n`);
  });

  it('fails on create when the file cannot be opened', async () => {
    await expect(CsvFileWriter.create(join(dir, 'missing', 'x.csv'), data)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.skipIf(!existsSync('/dev/full'))('reports a write error from the file (a full disk) instead of hanging', async () => {
    const writer = await CsvFileWriter.create('/dev/full', data);
    const rows = Array.from({ length: 5000 }, (_, i) => [String(i), 'x'.repeat(100)]);
    const written = (async () => {
      await writer.write(rows);
      await writer.close();
    })();
    await expect(written).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(writer.write([['more']])).rejects.toMatchObject({ code: 'ENOSPC' });
  });

  it('refuses writes after close', async () => {
    const writer = await CsvFileWriter.create(join(dir, 'closed.csv'), data);
    await writer.close();
    await expect(writer.write([['a']])).rejects.toThrow(/closed/);
  });
});
