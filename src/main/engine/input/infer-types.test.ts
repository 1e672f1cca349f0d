import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import { TypeInference, valueType, widenType, type InferredType } from './infer-types.ts';

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
