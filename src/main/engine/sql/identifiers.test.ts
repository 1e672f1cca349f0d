import fc from 'fast-check';
import pg from 'pg';
import { expect, inject, test } from 'vitest';
import { parseTableName, qualifiedName, quoteIdent, quoteLiteral } from './identifiers.ts';

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

test('a literal holds whatever the text, with standard_conforming_strings on and off', async () => {
  const db = new pg.Client({ connectionString: inject('databaseUrl') });
  await db.connect();
  try {
    // A header like `\'` once broke out of a literal when the server treats backslashes as escapes.
    const texts = ["\\'; SELECT 1; --", "a'b", 'back\\slash', 'é and "quotes"', ''];
    for (const setting of ['on', 'off']) {
      await db.query(`SET standard_conforming_strings = ${setting}`);
      for (const text of texts) {
        const result = await db.query<{ value: string }>(`SELECT ${quoteLiteral(text)} AS value`);
        expect(result.rows).toEqual([{ value: text }]);
      }
    }
  } finally {
    await db.end();
  }
});
