import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser } from './csv-parser.ts';
import { looksLikeHeader, sniffDialect } from './sniff.ts';
import type { SourceRow } from './source.ts';

function records(text: string, delimiter = ','): SourceRow[] {
  const parser = new CsvParser({ delimiter, quote: '"', file: 'test.csv' });
  const out: SourceRow[] = [];
  parser.push(text, out);
  parser.finish(out);
  return out;
}

describe('sniffDialect', () => {
  it('picks the delimiter that gives every record the same field count', () => {
    const table = [
      ['id', 'name', 'price'],
      ['1', 'Ann, Jr.', '1,5'],
      ['2', 'Bob; Sr.', '2|5'],
    ];
    for (const delimiter of [',', ';', '\t', '|'] as const) {
      const text = table.map((row) => row.map((v) => (v.includes(delimiter) ? `"${v}"` : v)).join(delimiter)).join('\n') + '\n';
      expect(sniffDialect(text, true).delimiter).toBe(delimiter);
    }
  });

  it('is not fooled by delimiters inside quoted fields or by decimal commas', () => {
    expect(sniffDialect('a;b\n"x;y;z";1,5\n"p;q";2,75\n', true).delimiter).toBe(';');
    expect(sniffDialect('a,b\n"1;2;3",x\n"4;5",y\n', true).delimiter).toBe(',');
  });

  it('uses the single quote only when it is evidently used for quoting', () => {
    expect(sniffDialect("id,name\n1,'Smith, J'\n2,'Doe, A'\n", true).quote).toBe("'");
    expect(sniffDialect("id,name\n1,it's\n2,'90s band\n3,\"x, y\"\n", true).quote).toBe('"');
    expect(sniffDialect('id,name\n1,plain\n', true).quote).toBe('"');
  });

  it('finds a single quote that opens the first field or a field after a line break', () => {
    expect(sniffDialect("'a, b',1\n'c, d',2\n", true).quote).toBe("'");
    expect(sniffDialect("x,y\r\n'a, b',1\r\n'c, d',2\r\n", true).quote).toBe("'");
    expect(sniffDialect('one\ncolumn\n', true)).toMatchObject({ delimiter: ',', quote: '"' });
  });

  it('reads back the delimiter and quote a table was written with', () => {
    // Values hold only the writer's own delimiter and quote, so no other choice fits as well.
    const value = (delimiter: string, quote: string) => fc.stringMatching(new RegExp(`^[a-z0-9 ${delimiter === '|' ? '\\|' : delimiter}${quote}]{1,8}$`));
    const written = fc
      .record({ delimiter: fc.constantFrom(',', ';', '\t', '|'), quote: fc.constantFrom('"', "'"), columns: fc.integer({ min: 2, max: 5 }) })
      .chain(({ delimiter, quote, columns }) =>
        fc.record({ delimiter: fc.constant(delimiter), quote: fc.constant(quote), rows: fc.array(fc.array(value(delimiter, quote), { minLength: columns, maxLength: columns }), { minLength: 2, maxLength: 20 }) }),
      );
    fc.assert(
      fc.property(written, ({ delimiter, quote, rows }) => {
        const field = (v: string) => (v.includes(delimiter) || v.startsWith(quote) ? quote + v.replaceAll(quote, quote + quote) + quote : v);
        const text = rows.map((row) => row.map(field).join(delimiter)).join('\n') + '\n';
        const quoting = rows.some((row) => row.some((v) => field(v) !== v));
        expect(sniffDialect(text, true)).toMatchObject({ delimiter, quote: quoting ? quote : '"' });
      }),
    );
  });

  it('detects the line ending outside quoted fields', () => {
    expect(sniffDialect('a,b\r\n1,2\r\n', true).lineEnding).toBe('\r\n');
    expect(sniffDialect('a,b\n1,2\n', true).lineEnding).toBe('\n');
    expect(sniffDialect('"x\ny",b\r\n1,2\r\n', true).lineEnding).toBe('\r\n');
  });

  it('ignores a record cut off at the end of a partial sample', () => {
    const sample = 'id;note\n1;a\n2;b\n3;"cut, in the mid';
    expect(sniffDialect(sample, false)).toMatchObject({ delimiter: ';', hasHeader: true });
  });

  it('lets overrides win', () => {
    const text = 'a,b\n1,2\n';
    expect(sniffDialect(text, true, { delimiter: ';', hasHeader: false, quote: "'", lineEnding: '\r\n' })).toEqual({
      delimiter: ';',
      quote: "'",
      hasHeader: false,
      lineEnding: '\r\n',
    });
    expect(sniffDialect("x|'a|b'\ny|'c'\n", true, { quote: "'" })).toMatchObject({ delimiter: '|', quote: "'" });
  });
});

describe('looksLikeHeader', () => {
  it('sees a header above typed columns', () => {
    expect(looksLikeHeader(records('id,amount,day\n1,2.5,2024-01-01\n2,3,2024-01-02\n'))).toBe(true);
    expect(looksLikeHeader(records(',a,b\n0,1,2\n1,3,4\n'))).toBe(true); // pandas index column
  });

  it('sees data when the first row fits the column types', () => {
    expect(looksLikeHeader(records('1,2.5,2024-01-01\n2,3,2024-01-02\n'))).toBe(false);
    expect(looksLikeHeader(records('1,x\n'))).toBe(false);
  });

  it('takes distinct text above text as a header, but not repeated or empty names', () => {
    expect(looksLikeHeader(records('name,city\nAnn,Paris\n'))).toBe(true);
    expect(looksLikeHeader(records('name,city\n'))).toBe(true);
    expect(looksLikeHeader(records('x,x\nAnn,Paris\n'))).toBe(false);
    expect(looksLikeHeader(records(',\nAnn,Paris\n'))).toBe(false);
  });
});
