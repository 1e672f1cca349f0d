import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import { joinTypes, MOST_VALUES, proposeType, TypeInference, TypeTallies, valueType, widenType, type InferredType } from './infer-types.ts';

const cases: Record<InferredType, string[]> = {
  bigint: ['0', '-0', '42', '+7', '-9223372036854775808', '9223372036854775807'],
  numeric: ['9223372036854775808', '-9223372036854775809', '1.5', '-0.25', '.5', '5.', '123456789012345678901234567890.1'],
  'double precision': ['1e10', '-2.5E-3', '6.02e+23', '.5e1', '0e0'],
  boolean: ['true', 'FALSE', 't', 'F', 'yes', 'No'],
  date: ['2024-02-29', '1999-12-31', '0001-01-01'],
  timestamp: ['2024-01-02T03:04:05', '2024-01-02 03:04', '2024-01-02 23:59:59.123456'],
  timestamptz: ['2024-01-02T03:04:05Z', '2024-01-02 03:04:05+02', '2024-01-02T03:04:05.5-05:30', '2024-01-02T03:04+0100'],
  uuid: ['123e4567-e89b-12d3-a456-426614174000', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'],
  text: [
    '',
    ' 1',
    '007',
    '1,5',
    '1e',
    'e5',
    '1e400',
    '1e-400',
    '0x1F',
    '1/2/2024',
    '2023-02-29',
    '2024-13-01',
    '0000-01-01',
    '2024-01-01T24:00:00',
    '2024-01-01T10:60',
    '2024-01-01T10:00:00+16:00',
    'y',
    'on',
    'NaN',
    'Infinity',
    '123e4567-e89b-12d3-a456-42661417400',
    'hello',
  ],
};

describe('valueType', () => {
  for (const [type, values] of Object.entries(cases)) {
    it(`recognises ${type}`, () => {
      for (const value of values) expect([value, valueType(value)]).toEqual([value, type]);
    });
  }
});

describe('valueType against PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('only infers a type that PostgreSQL accepts the value as', async () => {
    for (const [type, values] of Object.entries(cases)) {
      for (const value of values) {
        const [row] = await db.query<{ ok: boolean }>(`SELECT $1::${type} IS NOT NULL AS ok`, [value]);
        expect([value, type, row?.ok]).toEqual([value, type, true]);
      }
    }
  });

  it('falls back to text for values PostgreSQL would reject', async () => {
    const rejected: [string, string][] = [
      ['2023-02-29', 'date'],
      ['2024-13-01', 'date'],
      ['0000-01-01', 'date'],
      ['1e400', 'double precision'],
      ['1e-400', 'double precision'],
      ['2024-01-01T10:60', 'timestamp'],
      ['2024-01-01T10:00:00+16:00', 'timestamptz'],
    ];
    for (const [value, type] of rejected) {
      expect(valueType(value)).toBe('text');
      await expect(db.query(`SELECT $1::${type}`, [value]), `${value}::${type}`).rejects.toThrow();
    }
  });
});

describe('widenType', () => {
  it('widens within the numeric and the temporal families, otherwise to text', () => {
    expect(widenType('bigint', 'numeric')).toBe('numeric');
    expect(widenType('double precision', 'bigint')).toBe('double precision');
    expect(widenType('numeric', 'double precision')).toBe('double precision');
    expect(widenType('date', 'timestamp')).toBe('timestamp');
    expect(widenType('timestamptz', 'date')).toBe('timestamptz');
    expect(widenType('timestamp', 'timestamptz')).toBe('timestamptz');
    expect(widenType('bigint', 'boolean')).toBe('text');
    expect(widenType('date', 'bigint')).toBe('text');
    expect(widenType('uuid', 'uuid')).toBe('uuid');
  });
});

describe('TypeInference', () => {
  it('infers one type per column, ignoring nulls; all-null and short rows leave text', () => {
    const inference = new TypeInference(5);
    inference.add(['1', '2024-01-01', null, 'yes', 'a']);
    inference.add(['2.5', '2024-01-01 10:00:00', null, 'NO']);
    inference.add([null, null, null, 't', '1', 'extra']);
    expect(inference.types()).toEqual(['numeric', 'timestamp', 'text', 'boolean', 'text']);
  });

  it('does not treat 0/1 as boolean', () => {
    const inference = new TypeInference(1);
    for (const value of ['0', '1', '1', '0']) inference.add([value]);
    expect(inference.types()).toEqual(['bigint']);
  });
});

describe('joinTypes (the lattice CSV and Parquet types share)', () => {
  it.each([
    ['integer', 'bigint', 'bigint'],
    ['smallint', 'integer', 'integer'],
    ['bigint', 'numeric(10,2)', 'numeric'],
    ['numeric(10,2)', 'numeric(10,2)', 'numeric(10,2)'],
    ['numeric(10,2)', 'numeric(12,4)', 'numeric'],
    ['real', 'real', 'real'],
    ['real', 'integer', 'double precision'],
    ['date', 'timestamp with time zone', 'timestamptz'],
    ['timestamp without time zone', 'timestamp', 'timestamp'],
    ['jsonb', 'jsonb', 'jsonb'],
    ['jsonb', 'text', 'text'],
    ['uuid', 'bigint', 'text'],
    ['boolean', 'date', 'text'],
  ])('%s with %s is %s', (a, b, joined) => {
    expect(joinTypes(a, b)).toBe(joined);
    expect(joinTypes(b, a)).toBe(joined);
  });
});

describe('proposeType', () => {
  it('takes the widest type of the family that holds most values, and counts the rest as outliers', () => {
    expect(proposeType({ bigint: 95, numeric: 4, text: 1 })).toEqual({ pgType: 'numeric', sampled: 100, outliers: 1 });
    expect(proposeType({ date: 50, timestamptz: 50 })).toEqual({ pgType: 'timestamptz', sampled: 100, outliers: 0 });
    expect(proposeType({ bigint: 60, text: 40 })).toEqual({ pgType: 'text', sampled: 100, outliers: 0 });
    expect(proposeType({})).toEqual({ pgType: 'text', sampled: 0, outliers: 0 });
  });

  it('joins the types a schema declares (Parquet): their values are never outliers', () => {
    expect(proposeType({ bigint: 95, text: 5 }, { integer: 10 })).toEqual({ pgType: 'bigint', sampled: 110, outliers: 5 });
    expect(proposeType({ bigint: 95, text: 5 }, { 'numeric(10,2)': 10 })).toEqual({ pgType: 'numeric', sampled: 110, outliers: 5 });
    expect(proposeType({ bigint: 100 }, { text: 2 })).toEqual({ pgType: 'text', sampled: 102, outliers: 0 });
    expect(proposeType({}, { 'numeric(10,2)': 3, jsonb: 0 })).toEqual({ pgType: 'text', sampled: 3, outliers: 0 });
    expect(proposeType({}, { 'timestamp with time zone': 3 })).toEqual({ pgType: 'timestamptz', sampled: 3, outliers: 0 });
  });

  it('tallies values by their own type, or by the exact column type given (Parquet)', () => {
    const csv = new TypeTallies(2);
    for (const row of [['1', 'a'], ['2.5', null], ['x', '2024-01-01']]) csv.add(row);
    expect(csv.tallies()).toEqual([{ bigint: 1, numeric: 1, text: 1 }, { text: 1, date: 1 }]);
    const parquet = new TypeTallies(1, ['integer']);
    for (const row of [['1'], [null], ['2']]) parquet.add(row);
    expect(parquet.tallies()).toEqual([{ integer: 2 }]);
  });

  it('a typed proposal always holds most of the values, and every one of a single type', () => {
    const types = fc.constantFrom('bigint', 'numeric', 'double precision', 'boolean', 'date', 'timestamp', 'timestamptz', 'uuid', 'text', 'integer', 'jsonb');
    fc.assert(
      fc.property(fc.dictionary(types, fc.integer({ min: 1, max: 1000 })), (tally) => {
        const proposed = proposeType(tally);
        const sampled = Object.values(tally).reduce((n, c) => n + c, 0);
        expect(proposed.sampled).toBe(sampled);
        if (proposed.pgType !== 'text') expect(sampled - proposed.outliers).toBeGreaterThanOrEqual(sampled * MOST_VALUES);
        const fitting = Object.entries(tally).filter(([type]) => joinTypes(type, proposed.pgType) === proposed.pgType);
        expect(fitting.reduce((n, [, c]) => n + c, 0)).toBe(proposed.pgType === 'text' ? sampled : sampled - proposed.outliers);
      }),
    );
  });
});
