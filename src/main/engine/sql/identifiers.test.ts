import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseTableName, qualifiedName, quoteIdent } from './identifiers.ts';

test('quoteIdent doubles embedded quotes', () => {
  expect(quoteIdent('a"b')).toBe('"a""b"');
  expect(quoteIdent('Robert"); DROP TABLE x; --')).toBe('"Robert""); DROP TABLE x; --"');
});

test('parseTableName reads plain, qualified and quoted names', () => {
  expect(parseTableName('items')).toEqual({ schema: 'public', name: 'items' });
  expect(parseTableName('sales.items')).toEqual({ schema: 'sales', name: 'items' });
  expect(parseTableName('"My Schema"."a.b"')).toEqual({ schema: 'My Schema', name: 'a.b' });
  expect(() => parseTableName('a.b.c')).toThrow(/schema.table/);
  expect(() => parseTableName('"open')).toThrow(/Unterminated/);
});

test('any schema and table name survive quoting and parsing', () => {
  const part = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\0'));
  fc.assert(
    fc.property(part, part, (schema, name) => {
      expect(parseTableName(qualifiedName({ schema, name }))).toEqual({ schema, name });
    }),
  );
});
