import { expect, test } from 'vitest';
import type { TargetColumn } from './introspect.ts';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { mapColumns, normalizeName } from './mapping.ts';

const column = (name: string, extra: Partial<TargetColumn> = {}): TargetColumn => ({
  name,
  type: 'text',
  notNull: false,
  hasDefault: false,
  generated: false,
  identityAlways: false,
  fromSequence: false,
  collation: null,
  comparable: true,
  ...extra,
});
const table = [column('customer_id'), column('Name'), column('email'), column('total', { generated: true })];
const base = { explicit: {}, ignoreExtraColumns: false, file: 'f.csv' };

test('exact names first, then case-, space- and punctuation-insensitive matches', () => {
  const mapping = mapColumns(['Customer ID', 'Name', 'E-Mail'], table, base);
  expect(mapping.mapped.map((m) => [m.source, m.target, m.how])).toEqual([
    ['Name', 'Name', 'exact'],
    ['Customer ID', 'customer_id', 'normalized'],
    ['E-Mail', 'email', 'normalized'],
  ]);
  expect(mapping.unfilled).toEqual([]);
});

test('explicit mappings win, and an empty target skips the file column', () => {
  const mapping = mapColumns(['name', 'mail', 'junk'], table, { ...base, explicit: { mail: 'email', junk: null, name: 'customer_id' } });
  expect(mapping.mapped.map((m) => `${m.source}->${m.target}`)).toEqual(['name->customer_id', 'mail->email']);
  expect(mapping.skipped).toEqual(['junk']);
  expect(mapping.unfilled).toEqual(['Name']);
});

test('unmatched file columns are an error naming them, unless ignored', () => {
  expect(() => mapColumns(['customer_id', 'color'], table, base)).toThrow(expect.objectContaining({
    message: expect.stringContaining('"color"'),
    hint: expect.stringContaining('--ignore-extra-columns'),
  }));
  const mapping = mapColumns(['customer_id', 'color'], table, { ...base, ignoreExtraColumns: true });
  expect(mapping.skipped).toEqual(['color']);
});

test('generated columns and unknown targets are refused', () => {
  expect(() => mapColumns(['t'], table, { ...base, explicit: { t: 'total' } })).toThrow(/generated/);
  expect(() => mapColumns(['t'], table, { ...base, explicit: { t: 'nope' } })).toThrow(/does not exist/);
  // A mapping may name columns only some files have; the plan checks that some file has each.
  expect(mapColumns(['customer_id'], table, { ...base, explicit: { other: 'email' } }).mapped).toHaveLength(1);
});

test('two file columns claiming one table column is an error', () => {
  expect(() => mapColumns(['mail', 'E mail'], table, { ...base, explicit: { 'E mail': 'email', mail: 'email' } })).toThrow(/more than once/);
});

test('a file column whose exact match was claimed explicitly by another column is left unmatched', () => {
  expect(() => mapColumns(['email', 'E mail'], table, { ...base, explicit: { 'E mail': 'email' } })).toThrow(/"email" match no table column/);
});

test('a 20,000-column file fails in one line naming the limit and the count, not the names', () => {
  const wide = Array.from({ length: 20_000 }, (_, i) => `column_with_a_long_name_${i}`);
  let error: unknown;
  try {
    mapColumns(['Name', ...wide], table, base);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(KeyloadError);
  expect(error instanceof KeyloadError && error.toInfo()).toMatchObject({
    code: ErrorCodes.tooManyColumns,
    message: 'The file has 20,001 columns; a PostgreSQL table holds at most 1,600.',
    file: 'f.csv',
  });
});

test('a long list of unmatched columns names the first ten and counts the rest', () => {
  const extra = Array.from({ length: 25 }, (_, i) => `x${i}`);
  expect(() => mapColumns(['Name', ...extra], table, base)).toThrow(/^File columns "x0", "x1", .*"x9" and 15 more match no table column$/);
});

test('normalizeName ignores case, spaces, punctuation and symbols', () => {
  expect(normalizeName(' Order-Date (UTC) ')).toBe(normalizeName('order_date_utc'));
  expect(normalizeName('Straße')).toBe('straße');
});
