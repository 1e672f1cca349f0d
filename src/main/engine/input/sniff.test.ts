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
