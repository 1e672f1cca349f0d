import { expect, test } from 'vitest';
import { loadOptionsSchema } from './load-options.ts';
import {
  DATE_FORMAT_CHOICES,
  DELIMITER_CHOICES,
  ENCODING_CHOICES,
  ESCAPE_CHOICES,
  FILE_TYPE_CHOICES,
  HEADER_CHOICES,
  isOneOf,
  LOAD_BOUNDS,
  LOAD_DEFAULTS,
  NULL_STRING_CHOICES,
  QUOTE_CHOICES,
  WRITE_MODES,
} from './vocabulary.ts';

test('isOneOf accepts exactly the listed words', () => {
  expect(isOneOf(WRITE_MODES, 'upsert')).toBe(true);
  expect(isOneOf(WRITE_MODES, 'append')).toBe(true);
  expect(isOneOf(WRITE_MODES, 'Upsert')).toBe(false);
  expect(isOneOf(WRITE_MODES, '')).toBe(false);
  expect(isOneOf(WRITE_MODES, 'merge')).toBe(false);
});

const bounded = ['concurrency', 'internalConcurrency', 'batchSize', 'maxRetries', 'retryWindowSeconds', 'leaseSeconds'] as const satisfies readonly (keyof typeof LOAD_BOUNDS)[];

test('every bounded default lies within its bounds, and is what the load options default to', () => {
  expect(Object.keys(LOAD_BOUNDS).sort()).toEqual([...bounded].sort());
  for (const name of bounded) {
    const { min, max } = LOAD_BOUNDS[name];
    expect(LOAD_DEFAULTS[name], name).toBeGreaterThanOrEqual(min);
    expect(LOAD_DEFAULTS[name], name).toBeLessThanOrEqual(max);
  }
  expect(loadOptionsSchema.parse({ files: ['f.csv'], table: 't' })).toMatchObject({
    mode: 'upsert',
    order: 'given',
    onError: 'reject',
    conflictPolicy: 'last',
    concurrency: 4,
    internalConcurrency: 2,
    batchSize: 50_000,
    maxRetries: 3,
    leaseSeconds: 60,
    manifestSchema: 'keyload',
  });
});

test('the load options refuse values just outside the bounds', () => {
  for (const name of bounded) {
    const { min, max } = LOAD_BOUNDS[name];
    const base = { files: ['f.csv'], table: 't' };
    expect(loadOptionsSchema.safeParse({ ...base, [name]: min }).success, `${name} ${min}`).toBe(true);
    expect(loadOptionsSchema.safeParse({ ...base, [name]: max }).success, `${name} ${max}`).toBe(true);
    expect(loadOptionsSchema.safeParse({ ...base, [name]: min - 1 }).success, `${name} ${min - 1}`).toBe(false);
    expect(loadOptionsSchema.safeParse({ ...base, [name]: max + 1 }).success, `${name} ${max + 1}`).toBe(false);
  }
});

test('each list of choices has distinct ids and values: a select tells its options apart by them', () => {
  const lists = { DELIMITER_CHOICES, QUOTE_CHOICES, ESCAPE_CHOICES, ENCODING_CHOICES, FILE_TYPE_CHOICES, HEADER_CHOICES, NULL_STRING_CHOICES, DATE_FORMAT_CHOICES };
  for (const [name, choices] of Object.entries(lists)) {
    const list: readonly { id: string; value: unknown }[] = choices;
    expect(new Set(list.map((choice) => choice.id)).size, name).toBe(list.length);
    expect(new Set(list.map((choice) => choice.value)).size, name).toBe(list.length);
  }
});
