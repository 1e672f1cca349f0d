import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, formatError, KeyloadError } from '../../../shared/errors.ts';
import { CsvParser, type CsvParserOptions } from './csv-parser.ts';
import type { SourceRow } from './source.ts';

function parse(chunks: string[], options: Partial<CsvParserOptions> = {}): SourceRow[] {
  const parser = new CsvParser({ delimiter: ',', quote: '"', file: 'data.csv', ...options });
  const out: SourceRow[] = [];
  for (const chunk of chunks) parser.push(chunk, out);
  parser.finish(out);
  return out;
}

function values(text: string, options: Partial<CsvParserOptions> = {}): (string | null)[][] {
  return parse([text], options).map((row) => row.values);
}

function parseError(chunks: string[], options: Partial<CsvParserOptions> = {}): KeyloadError {
  try {
    parse(chunks, options);
  } catch (error) {
    if (error instanceof KeyloadError) return error;
    throw error;
  }
  throw new Error('expected a KeyloadError');
}

describe('CsvParser', () => {
  it('parses RFC 4180 fields: quoted delimiters, doubled quotes, quoted line breaks', () => {
    expect(values('a,"b,c","say ""hi""","two\nlines"\n')).toEqual([['a', 'b,c', 'say "hi"', 'two\nlines']]);
    expect(values('"x\r\ny",z\r\n')).toEqual([['x\r\ny', 'z']]);
  });

  it('follows PostgreSQL: unquoted empty is null, quoted empty is the empty string', () => {
    expect(values('a,,""\n,"",\n')).toEqual([
      ['a', null, ''],
      [null, '', null],
    ]);
    expect(values('""\n')).toEqual([['']]);
  });

  it('keeps a stray quote inside an unquoted field, and text after a closing quote, literally', () => {
    expect(values('ab"c,5 " inch\n')).toEqual([['ab"c', '5 " inch']]);
    expect(values('"ab"cd,e\n')).toEqual([['abcd', 'e']]);
  });

  it('accepts LF, CRLF and lone CR line endings, with or without a final line break', () => {
    const expected = [
      ['a', 'b'],
      ['c', 'd'],
    ];
    for (const text of ['a,b\nc,d\n', 'a,b\r\nc,d\r\n', 'a,b\rc,d\r', 'a,b\nc,d', 'a,b\r\nc,d']) {
      expect(values(text)).toEqual(expected);
    }
  });

  it('reports the file line where each record starts, skipping blank lines but counting them', () => {
    const rows = parse(['h1,h2\r\n\r\n"multi\r\nline\nfield",x\r\n\nlast,"a\rb"\n\n']);
    expect(rows.map((row) => row.line)).toEqual([1, 3, 7]);
    expect(rows[2]?.values).toEqual(['last', 'a\rb']);
  });

  it('gives a trailing delimiter an empty last field', () => {
    expect(values('a,\nb,\r\n,\n')).toEqual([
      ['a', null],
      ['b', null],
      [null, null],
    ]);
    expect(values('a,')).toEqual([['a', null]]);
  });

  it('supports other delimiters and the single quote', () => {
    expect(values("'a;b';'it''s'\tx\n", { delimiter: ';', quote: "'" })).toEqual([['a;b', "it's\tx"]]);
    expect(values('a\t"b\tc"\n', { delimiter: '\t' })).toEqual([['a', 'b\tc']]);
    expect(values('a|"|"|\n', { delimiter: '|' })).toEqual([['a', '|', null]]);
  });

  it('parses the same whatever the chunk boundaries (every two-way and three-way split)', () => {
    const text = '"a""b",c\r\n\r\n"x\r\ny",""\r"",\n"q"z,w';
    const expected = parse([text]);
    expect(expected.map((row) => row.line)).toEqual([1, 3, 5, 6]);
    for (let i = 0; i <= text.length; i++) {
      expect(parse([text.slice(0, i), text.slice(i)])).toEqual(expected);
      for (let j = i; j <= text.length; j++) {
        expect(parse([text.slice(0, i), text.slice(i, j), text.slice(j)])).toEqual(expected);
      }
    }
  });

  it('fails on an unterminated quote, naming the file and the line where the quote opened', () => {
    const error = parseError(['id,name\n1,ok\n2,"broken\n3,more\n', '4,x\n']);
    expect(error.code).toBe(ErrorCodes.fileCorrupt);
    expect(error.location).toMatchObject({ file: 'data.csv', line: 3 });
    expect(formatError(error.toInfo())).toMatch(/^data\.csv:3: Unterminated quoted field/);
  });

  it('caps a record, so an unbalanced quote cannot swallow the file into memory', () => {
    const chunk = 'x'.repeat(100);
    const quoted = parseError(['a,b\n', 'c,"', chunk, chunk, chunk], { maxRecordLength: 250 });
    expect(quoted.code).toBe(ErrorCodes.fileCorrupt);
    expect(quoted.location.line).toBe(2);
    expect(quoted.message).toMatch(/quoted field opened on line 2 is not closed/);
    const unquoted = parseError(['a,b\n\n', chunk, chunk, chunk], { maxRecordLength: 250 });
    expect(unquoted.message).toMatch(/record starting on line 3 is longer than/);
    expect(values(`${'y'.repeat(200)},"${'z'.repeat(40)}"\n`, { maxRecordLength: 250 })).toHaveLength(1);
  });

  it('rejects a delimiter equal to the quote', () => {
    expect(() => new CsvParser({ delimiter: '"', quote: '"', file: 'data.csv' })).toThrow(KeyloadError);
    expect(() => new CsvParser({ delimiter: '\\', quote: '"', escape: '\\', file: 'data.csv' })).toThrow(KeyloadError);
    expect(() => new CsvParser({ delimiter: '\n', quote: '"', file: 'data.csv' })).toThrow(KeyloadError);
  });

  it('splits on any single-character delimiter', () => {
    expect(values('a#b#"c#d"\n1##3\n', { delimiter: '#' })).toEqual([
      ['a', 'b', 'c#d'],
      ['1', null, '3'],
    ]);
    expect(values('a b "c d"\n', { delimiter: ' ' })).toEqual([['a', 'b', 'c d']]);
  });

  it('an escape character makes the next quote or escape literal inside quotes, and is literal elsewhere', () => {
    const options = { escape: '\\' };
    expect(values('"say \\"hi\\"","back\\\\slash",C:\\dir,"\\n stays","also ""doubled"""\n', options)).toEqual([
      ['say "hi"', 'back\\slash', 'C:\\dir', '\\n stays', 'also "doubled"'],
    ]);
    expect(parseError(['"open \\"\n'], options).message).toMatch(/Unterminated quoted field/);
  });

  it('a NULL string makes matching unquoted fields NULL; quoted ones stay text, empty ones stay NULL', () => {
    expect(values('NULL,"NULL",,x,NULLs\n', { nullString: 'NULL' })).toEqual([[null, 'NULL', null, 'x', 'NULLs']]);
    expect(values('\\N,"\\N",a\n', { nullString: '\\N' })).toEqual([[null, '\\N', 'a']]);
    expect(values('NULL,x\n')).toEqual([['NULL', 'x']]);
  });

  it('trimming drops whitespace around unquoted fields and outside quotes, never inside them', () => {
    expect(values('  a  , b ,  " c "  ,   ,\t x\t\n', { trim: true })).toEqual([['a', 'b', ' c ', null, 'x']]);
    expect(values(' NULL ,"NULL" \n', { trim: true, nullString: 'NULL' })).toEqual([[null, 'NULL']]);
    expect(values('  a  , b \n')).toEqual([['  a  ', ' b ']]);
  });

  it('with the options, parses the same whatever the chunk boundaries', () => {
    const options = { escape: '\\', nullString: 'NULL', trim: true };
    const text = ' "a\\"b" , NULL ,"\\\\"\r\n  \r\n"x\\\r\ny","",NULL\n"q"  ';
    const expected = parse([text], options);
    expect(expected.map((row) => row.values)).toEqual([
      ['a"b', null, '\\'],
      ['x\\\r\ny', '', null],
      ['q'],
    ]);
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) {
        expect(parse([text.slice(0, i), text.slice(i, j), text.slice(j)], options)).toEqual(expected);
      }
    }
  });

  it('round-trips random tables written with random dialects and split at random points', () => {
    const field = fc.option(fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', ';', '\t', '|', '"', "'", '\r', '\n', 'é', '€', '😀', '0') }), {
      nil: null,
    });
    const table = fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(field, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 }));
    const dialect = fc.record({
      delimiter: fc.constantFrom(',', ';', '\t', '|'),
      quote: fc.constantFrom('"', "'"),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
      finalEol: fc.boolean(),
    });
    const extras = fc.record({ quoteAll: fc.boolean(), blankAfter: fc.array(fc.nat(2), { maxLength: 12 }), cuts: fc.array(fc.nat(), { maxLength: 6 }) });
    fc.assert(
      fc.property(table, dialect, extras, (rows, d, x) => {
        const lineBreaks = (s: string): number => (s.match(/\r\n|\r|\n/g) ?? []).length;
        const writeField = (value: string | null, single: boolean): string => {
          if (value === null) return single ? `${d.quote}${d.quote}` : '';
          const special = value === '' || x.quoteAll || [d.delimiter, d.quote, '\r', '\n'].some((c) => value.includes(c));
          return special ? d.quote + value.split(d.quote).join(d.quote + d.quote) + d.quote : value;
        };
        // A one-column null row would be a blank line; it is written (and expected back) as ''.
        const expected = rows.map((row) => (row.length === 1 && row[0] === null ? [''] : row));
        let text = '';
        let line = 1;
        const lines: number[] = [];
        expected.forEach((row, r) => {
          const record = row.map((value) => writeField(value, row.length === 1)).join(d.delimiter);
          lines.push(line);
          const last = r === expected.length - 1;
          const blank = last ? '' : d.eol.repeat(x.blankAfter[r] ?? 0);
          const end = last && !d.finalEol ? '' : d.eol;
          text += record + end + blank;
          line += lineBreaks(record + end + blank);
        });
        const cuts = [...new Set(x.cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...cuts].map((start, i) => text.slice(start, [...cuts, text.length][i]));
        const parsed = parse(chunks, { delimiter: d.delimiter, quote: d.quote });
        expect(parsed.map((row) => row.values)).toEqual(expected);
        expect(parsed.map((row) => row.line)).toEqual(lines);
      }),
      { numRuns: 500 },
    );
  });
});

describe('CsvParser with an escape character', () => {
  it('round-trips random values written with backslash escapes and split at random points', () => {
    const value = fc.string({ unit: fc.constantFrom('a', ',', '"', '\\', '\n', ' ', 'é') });
    const table = fc.array(fc.array(value, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(table, fc.array(fc.nat(), { maxLength: 5 }), (rows, rawCuts) => {
        const escaped = (v: string) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
        const text = rows.map((row) => row.map(escaped).join(',')).join('\n');
        const cuts = [...new Set(rawCuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...cuts].map((start, i) => text.slice(start, [...cuts, text.length][i]));
        expect(parse(chunks, { escape: '\\' }).map((row) => row.values)).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });
});
