// The scanner must cut raw CSV bytes exactly where the reader's records end, whatever the chunking,
// and refuse what COPY could read differently.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { CsvParser } from '../../input/csv-parser.ts';
import type { SourceRow } from '../../input/source.ts';
import { CsvRecordScanner } from './csv-record-scanner.ts';

const dialect = { delimiter: ',', quote: '"', escape: '"' };

const fieldArb = fc.oneof(
  fc.stringMatching(/^[a-z0-9 ]{0,6}$/),
  // Quoted, with delimiters, doubled quotes and line breaks inside.
  fc.stringMatching(/^[a-z,"\n]{0,6}$/).map((s) => `"${s.replaceAll('"', '""')}"`),
);
const recordArb = fc.array(fieldArb, { minLength: 2, maxLength: 4 }).map((fields) => fields.join(','));
const fileArb = fc.record({
  records: fc.array(recordArb, { minLength: 1, maxLength: 12 }),
  crlf: fc.boolean(),
  finalBreak: fc.boolean(),
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
});

/** How many records the reader's own parser finds in `text`. */
function readerRecords(text: string): number {
  const parser = new CsvParser({ delimiter: ',', quote: '"', file: 'test.csv' });
  const rows: SourceRow[] = [];
  parser.push(text, rows);
  parser.finish(rows);
  return rows.length;
}

test('record counts and boundaries match the reader for any chunking', () => {
  fc.assert(
    fc.property(fileArb, ({ records, crlf, finalBreak, cuts }) => {
      const eol = crlf ? '\r\n' : '\n';
      const text = records.join(eol) + (finalBreak ? eol : '');
      // A record of only empty unquoted fields is still a record (its delimiters are on the line).
      fc.pre(records.every((r) => r.length > 0));
      const bytes = Buffer.from(text);
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...points, bytes.length].slice(1).map((end, i, all) => bytes.subarray(i === 0 ? 0 : (all[i - 1] as number), end));
      const scanner = new CsvRecordScanner(dialect, false);
      const boundaries: number[] = [];
      let offset = 0;
      for (const chunk of chunks) {
        for (let from = 0; ; ) {
          const end = scanner.scanUntil(chunk, from, boundaries.length + 1);
          if (end === -1) break;
          boundaries.push(offset + end);
          from = end;
        }
        offset += chunk.length;
      }
      expect(scanner.unsafe).toBeNull();
      expect(scanner.finish()).toBe(true);
      expect(scanner.records).toBe(records.length);
      expect(scanner.records).toBe(readerRecords(text));
      // Each boundary is just after a record's line end: the text up to it holds exactly that many records.
      boundaries.forEach((end, i) => {
        expect(readerRecords(bytes.subarray(0, end).toString())).toBe(i + 1);
        expect(bytes[end - 1]).toBe(0x0a);
      });
    }),
    { numRuns: 300 },
  );
});

/** The scanner's verdict on `bytes` fed in the given chunks: its records, or why it refused them. */
function verdict(bytes: Buffer, cuts: number[]): number | string {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const scanner = new CsvRecordScanner(dialect, true);
  let start = 0;
  for (const end of [...points, bytes.length]) {
    scanner.scanUntil(bytes.subarray(start, end), 0, Number.MAX_SAFE_INTEGER);
    if (scanner.unsafe) return scanner.unsafe;
    start = end;
  }
  return scanner.finish() ? scanner.records : (scanner.unsafe ?? 'unsafe');
}

test('any bytes get the same verdict however they are chunked (lines skipped whole or byte by byte)', () => {
  const text = fc.array(fc.constantFrom('a', 'b', ',', '"', '\\', '.', '\r', '\n', '\n', '\n'), { maxLength: 40 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (body, cuts) => {
      const bytes = Buffer.from(`h\n${body}`);
      expect(verdict(bytes, cuts)).toEqual(verdict(bytes, []));
    }),
    { numRuns: 2000 },
  );
});

test('bytes COPY could read differently from the reader are refused, with the reason', () => {
  const reasons = (text: string) => {
    const scanner = new CsvRecordScanner(dialect, true);
    const end = scanner.scanUntil(Buffer.from(text), 0, Number.MAX_SAFE_INTEGER);
    expect(end).toBe(-1);
    return scanner.unsafe ?? (scanner.finish() ? null : scanner.unsafe);
  };
  expect(reasons('a,b\n1,2\n\n3,4\n')).toBe('a blank line');
  expect(reasons('a,b\n1,x"y\n')).toBe('a quote inside an unquoted field');
  expect(reasons('a,b\n"1"x,2\n')).toBe('text after a closing quote');
  expect(reasons('a,b\n1,2\r3,4\n')).toBe('a line ends with a lone carriage return');
  expect(reasons('a,b\n1,"open\n')).toBe('a quoted field is never closed');
  expect(reasons('a,b\n1,2\n\\.\n3,4\n')).toMatch(/only \\\./);
  expect(reasons('a,b\n1,"x\n\\.\ny"\n')).toMatch(/only \\\./);
  expect(reasons('a,b\n1,2\n\\.')).toMatch(/only \\\./);
  // Fine: a header, CRLF, a backslash that is data, doubled quotes, an escape character.
  expect(reasons('a,b\r\n1,\\.x\r\n"2""",3\r\n')).toBeNull();
  // Staging numbers lines from records, so it refuses a record over two lines, which is fine otherwise.
  const staging = new CsvRecordScanner(dialect, true, { singleLine: true });
  expect(staging.scanUntil(Buffer.from('a,b\n1,"x\ny"\n'), 0, Number.MAX_SAFE_INTEGER)).toBe(-1);
  expect(staging.unsafe).toBe('a quoted field holds a line break');
  expect(reasons('a,b\n1,"x\ny"\n')).toBeNull();
  const escaped = new CsvRecordScanner({ delimiter: ';', quote: "'", escape: '\\' }, false);
  expect(escaped.scanUntil(Buffer.from("'it\\'s';1\n"), 0, 1)).toBe(10);
});
