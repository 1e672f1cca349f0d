// Files DuckDB cannot write (INT96, Hadoop LZ4, BYTE_ARRAY decimals, legacy converted types, ...),
// built by test/fixtures/parquet-writer.ts. Expected values come from PostgreSQL arithmetic on the
// raw physical values, or from DuckDB reading the same file.
import { describe, expect, test } from 'vitest';
import {
  columnValues,
  normaliseDuckText,
  pgMismatches,
  readAll,
  sqlPath,
  useParquetFixtures,
} from '../../../../test/fixtures/parquet-helpers.ts';
import { int96, text, writeParquetFixture, type FixtureColumn } from '../../../../test/fixtures/parquet-writer.ts';

const fx = useParquetFixtures();

const hex = (value: string): Uint8Array => Buffer.from(value, 'hex');

describe('INT96 timestamps (Impala/Spark)', () => {
  const cases: [number, bigint][] = [
    [2440588, 0n], // 1970-01-01
    [2451545, 43_200_000_000_123n], // 2000-01-01 12:00, sub-microsecond digits truncated
    [2460311, 86_399_999_999_999n], // last microsecond of a day
    [2299160, 1n], // 1582-10-14 (proleptic Gregorian)
    [1721426, 0n], // 0001-01-01
    [1705000, 3_600_000_000_000n], // a date BC
    [2440587, 86_399_999_999_000n], // just before the epoch
  ];

  test('convert to timestamptz via Julian day and nanoseconds of day', async () => {
    const path = fx.dir.file('int96.parquet');
    await writeParquetFixture(path, [
      { name: 'ts', type: 'INT96', optional: true, values: [...cases.map(([day, nanos]) => int96(day, nanos)), null] },
    ]);
    const result = await readAll(path);
    expect(result.source.columns).toEqual([{ name: 'ts', pgType: 'timestamp with time zone' }]);
    const actual = columnValues(result, 'ts');
    expect(actual.at(-1)).toBeNull();
    // Reference: PostgreSQL's own calendar arithmetic on the raw parts.
    const expected = await fx.client.query(
      `SELECT (timestamptz '1970-01-01 00:00:00+00' + make_interval(days => d - 2440588)
               + div(n, 1000) * interval '1 microsecond')::text AS ts
         FROM unnest($1::int[], $2::numeric[]) WITH ORDINALITY AS t(d, n, i) ORDER BY i`,
      [cases.map(([day]) => day), cases.map(([, nanos]) => nanos.toString())],
    );
    const reference = [...expected.rows.map((row: { ts: string }) => row.ts), null];
    expect(await pgMismatches(fx.client, 'timestamp with time zone', actual, reference)).toEqual([]);
    expect(actual.slice(0, 3)).toEqual([
      '1970-01-01 00:00:00+00',
      '2000-01-01 12:00:00+00',
      '2024-01-01 23:59:59.999999+00',
    ]);
  });
});

describe('hand-built files', () => {
  const columns: FixtureColumn[] = [
    {
      name: 'bdec',
      type: 'BYTE_ARRAY',
      converted: 'DECIMAL',
      scale: 3,
      precision: 30,
      optional: true,
      values: [hex('ff'), hex('00'), hex('0123456789abcdef0123'), null, hex('80000000000000000000'), hex('7fffffff')],
    },
    {
      name: 'fdec',
      type: 'FIXED_LEN_BYTE_ARRAY',
      typeLength: 5,
      logical: { type: 'DECIMAL', scale: 2, precision: 11 },
      values: [hex('ffffffffff'), hex('0000000001'), hex('8000000000'), hex('7fffffffff'), hex('0000000000'), hex('fffffffc18')],
    },
    {
      name: 'tsleg',
      type: 'INT64',
      converted: 'TIMESTAMP_MILLIS',
      values: [0n, 1704164645123n, -1n, 86400000n, -62135596800000n, 253402300799999n],
    },
    { name: 'bin', type: 'BYTE_ARRAY', values: [text('hi'), new Uint8Array(0), hex('00ff'), text('x'), hex('5c78'), hex('0a0d')] },
    { name: 's', type: 'BYTE_ARRAY', converted: 'UTF8', optional: true, values: [text('héllo'), null, text(''), text('z'), text('\\'), null] },
    { name: 'dt', type: 'INT32', converted: 'DATE', values: [-719528, -1000000, 2932896, 3000000, 0, -1] },
    { name: 'tus', type: 'INT64', logical: { type: 'TIME', utc: true, unit: 'MICROS' }, values: [0n, 1n, 86399999999n, 45296789012n, 3600000000n, 60000000n] },
    { name: 'tns', type: 'INT64', logical: { type: 'TIMESTAMP', utc: true, unit: 'NANOS' }, values: [1n, -1n, 1704164645123456789n, 0n, -1000n, 999n] },
    { name: 'tms', type: 'INT32', logical: { type: 'TIME', utc: false, unit: 'MILLIS' }, values: [0, 1, 86399999, 3723004, 86400000, 500] },
  ];

  test('decimals, legacy timestamps, binary and dates agree with DuckDB through PostgreSQL', async () => {
    const path = fx.dir.file('legacy.parquet');
    await writeParquetFixture(path, columns);
    const result = await readAll(path);
    const types = Object.fromEntries(result.source.columns.map((c) => [c.name, c.pgType]));
    expect(types).toEqual({
      bdec: 'numeric(30,3)',
      fdec: 'numeric(11,2)',
      tsleg: 'timestamp with time zone',
      bin: 'bytea',
      s: 'text',
      dt: 'date',
      tus: 'time without time zone',
      tns: 'timestamp with time zone',
      tms: 'time without time zone',
    });
    const reference = await fx.duck.query(`SELECT
        CAST(bdec AS VARCHAR) AS bdec, CAST(tsleg AS VARCHAR) AS tsleg,
        CASE WHEN bin IS NULL THEN NULL ELSE '\\x' || lower(hex(bin)) END AS bin, s, CAST(dt AS VARCHAR) AS dt,
        CAST(tus AS VARCHAR) AS tus, CAST(tms AS VARCHAR) AS tms
      FROM read_parquet(${sqlPath(path)}, file_row_number = true) ORDER BY file_row_number`);
    // (DuckDB reads a 5-byte FIXED_LEN_BYTE_ARRAY decimal as a blob, so fdec is checked by hand below.)
    for (const name of ['bdec', 'tsleg', 'bin', 's', 'dt', 'tus', 'tms']) {
      const expected = reference.map((row) => normaliseDuckText(row[name]));
      const mismatches = await pgMismatches(fx.client, types[name] as string, columnValues(result, name), expected);
      expect(mismatches, name).toEqual([]);
    }
    // Exact digits, straight from the two's-complement bytes.
    expect(columnValues(result, 'bdec')).toEqual([
      '-0.001',
      '0.000',
      '5373003642731685151.011',
      null,
      '-604462909807314587353.088',
      '2147483.647',
    ]);
    // -1, 1, -2^39, 2^39-1, 0, -1000 hundredths.
    expect(columnValues(result, 'fdec')).toEqual(['-0.01', '0.01', '-5497558138.88', '5497558138.87', '0.00', '-10.00']);
    expect(columnValues(result, 'bin')).toEqual(['\\x6869', '\\x', '\\x00ff', '\\x78', '\\x5c78', '\\x0a0d']);
    // Nanoseconds truncate (floor) to microseconds.
    expect(columnValues(result, 'tns')).toEqual([
      '1970-01-01 00:00:00+00',
      '1969-12-31 23:59:59.999999+00',
      '2024-01-02 03:04:05.123456+00',
      '1970-01-01 00:00:00+00',
      '1969-12-31 23:59:59.999999+00',
      '1970-01-01 00:00:00+00',
    ]);
    // Dates before 1 AD use PostgreSQL's BC suffix; the reference is PostgreSQL's date arithmetic.
    const dates = await fx.client.query(`SELECT (date '1970-01-01' + d)::text AS d FROM unnest($1::int[]) WITH ORDINALITY AS t(d, i) ORDER BY i`, [
      columns.find((c) => c.name === 'dt')?.values,
    ]);
    expect(await pgMismatches(fx.client, 'date', columnValues(result, 'dt'), dates.rows.map((r: { d: string }) => r.d))).toEqual([]);
    expect(columnValues(result, 'dt')[0]).toBe('0001-01-01 BC');
  });

  test('Hadoop-framed LZ4 pages read the same as uncompressed ones', async () => {
    const plain = fx.dir.file('plain.parquet');
    const lz4 = fx.dir.file('hadoop-lz4.parquet');
    await writeParquetFixture(plain, columns);
    await writeParquetFixture(lz4, columns, { codec: 'LZ4' });
    const expected = await readAll(plain);
    const actual = await readAll(lz4);
    expect(actual.source.description.details).toBe('lz4, 1 row group');
    expect(actual.rows).toEqual(expected.rows);
  });

  test('logical types without DuckDB equivalents', async () => {
    const path = fx.dir.file('logical.parquet');
    const uuid = hex('12345678123456781234567812345678');
    const interval = Buffer.alloc(12);
    interval.writeUInt32LE(14, 0);
    interval.writeUInt32LE(3, 4);
    interval.writeUInt32LE(3_723_004, 8);
    await writeParquetFixture(path, [
      { name: 'u32', type: 'INT32', logical: { type: 'INTEGER', bitWidth: 32, signed: false }, values: [-1, 0, 2147483647] },
      { name: 'u64', type: 'INT64', converted: 'UINT_64', values: [-1n, 0n, 1n] },
      { name: 'i8', type: 'INT32', logical: { type: 'INTEGER', bitWidth: 8, signed: true }, values: [-128, 0, 127] },
      { name: 'u8', type: 'INT32', converted: 'UINT_8', values: [255, 0, 1] },
      { name: 'f16', type: 'FIXED_LEN_BYTE_ARRAY', typeLength: 2, logical: { type: 'FLOAT16' }, values: [hex('003c'), hex('007c'), hex('6624')] },
      { name: 'j', type: 'BYTE_ARRAY', logical: { type: 'JSON' }, values: [text('{"a": 1}'), text('[1, 2]'), text('null')] },
      { name: 'bson', type: 'BYTE_ARRAY', logical: { type: 'BSON' }, values: [hex('0500000000'), hex(''), hex('ff')] },
      { name: 'e', type: 'BYTE_ARRAY', logical: { type: 'ENUM' }, values: [text('red'), text('green'), text('red')] },
      { name: 'id', type: 'FIXED_LEN_BYTE_ARRAY', typeLength: 16, logical: { type: 'UUID' }, values: [uuid, uuid, uuid] },
      { name: 'iv', type: 'FIXED_LEN_BYTE_ARRAY', typeLength: 12, converted: 'INTERVAL', values: [interval, Buffer.alloc(12), interval] },
      { name: 'nothing', type: 'INT32', optional: true, logical: { type: 'UNKNOWN' }, values: [null, null, null] },
      { name: 'flag', type: 'BOOLEAN', optional: true, values: [true, null, false] },
    ]);
    const result = await readAll(path);
    expect(result.source.columns).toEqual([
      { name: 'u32', pgType: 'bigint' },
      { name: 'u64', pgType: 'numeric(20,0)' },
      { name: 'i8', pgType: 'smallint' },
      { name: 'u8', pgType: 'smallint' },
      { name: 'f16', pgType: 'real' },
      { name: 'j', pgType: 'jsonb' },
      { name: 'bson', pgType: 'bytea' },
      { name: 'e', pgType: 'text' },
      { name: 'id', pgType: 'uuid' },
      { name: 'iv', pgType: 'interval' },
      { name: 'nothing', pgType: 'text' },
      { name: 'flag', pgType: 'boolean' },
    ]);
    expect(result.rows.map((row) => row.values)).toEqual([
      ['4294967295', '18446744073709551615', '-128', '255', '1', '{"a": 1}', '\\x0500000000', 'red',
        '12345678-1234-5678-1234-567812345678', '14 mons 3 days 01:02:03.004', null, 't'],
      ['0', '0', '0', '0', 'Infinity', '[1, 2]', '\\x', 'green', '12345678-1234-5678-1234-567812345678',
        '0 mons 0 days 00:00:00', null, null],
      ['2147483647', '1', '127', '1', '0.017181396484375', 'null', '\\xff', 'red', '12345678-1234-5678-1234-567812345678',
        '14 mons 3 days 01:02:03.004', null, 'f'],
    ]);
    // PostgreSQL reads the interval as 1 year 2 months, 3 days, 01:02:03.004.
    const iv = await fx.client.query(`SELECT $1::interval = interval '1 year 2 months 3 days 1 hour 2 minutes 3.004 seconds' AS same`, [
      result.rows[0]?.values[9],
    ]);
    expect(iv.rows[0]).toEqual({ same: true });
  });
});

describe('page layouts', () => {
  const tags = [['a', 'b'], [], ['c'], ['d', 'e', 'f', 'g', 'h'], [], ['i'], ['j', 'k'], ['l'], [], ['m', 'n', 'o']];
  const nums = [[1], [2, 3], [], [4, 5, 6, 7], [8], [], [9], [10, 11], [12], []];
  const columns: FixtureColumn[] = [
    { name: 'id', type: 'INT64', values: tags.map((_, i) => BigInt(i)) },
    { name: 'opt', type: 'INT32', optional: true, values: tags.map((_, i) => (i % 3 ? i * 100 : null)) },
    { name: 's', type: 'BYTE_ARRAY', converted: 'UTF8', optional: true, values: tags.map((_, i) => (i % 4 ? text(`row ${i}`) : null)) },
    { name: 'tags', type: 'BYTE_ARRAY', converted: 'UTF8', repeated: true, values: tags.map((row) => row.map(text)) },
    { name: 'nums', type: 'INT32', repeated: true, values: nums },
  ];
  const expected = tags.map((row, i) => [
    String(i),
    i % 3 ? String(i * 100) : null,
    i % 4 ? `row ${i}` : null,
    JSON.stringify(row),
    JSON.stringify(nums[i]),
  ]);

  for (const pageVersion of [1, 2] as const) {
    for (const codec of ['UNCOMPRESSED', 'LZ4'] as const) {
      test(`DATA_PAGE v${pageVersion}, ${codec}: many small pages, repeated fields, rows split across pages`, async () => {
        const path = fx.dir.file(`pages-v${pageVersion}-${codec}.parquet`);
        const pages = await writeParquetFixture(path, columns, { pageVersion, codec, levelsPerPage: 3 });
        expect(pages.length).toBeGreaterThan(15);
        const result = await readAll(path);
        expect(result.source.columns.map((c) => c.pgType)).toEqual(['bigint', 'integer', 'text', 'jsonb', 'jsonb']);
        expect(result.rows.map((row) => row.values)).toEqual(expected);
      });
    }
  }

  test('the same columns in one page each', async () => {
    const path = fx.dir.file('pages-single.parquet');
    await writeParquetFixture(path, columns);
    expect((await readAll(path)).rows.map((row) => row.values)).toEqual(expected);
  });
});
