// Parquet files written by DuckDB, read by openParquetSource, compared with DuckDB's own reading of
// the same file: every value must parse in PostgreSQL to the same value as DuckDB's rendering.
import { describe, expect, test } from 'vitest';
import {
  columnValues,
  normaliseDuckText,
  pgMismatches,
  readAll,
  sqlPath,
  useParquetFixtures,
} from '../../../../test/fixtures/parquet-helpers.ts';
import { MAX_CHUNK_ROWS, openParquetSource } from './parquet-source.ts';

const fx = useParquetFixtures();

/** Expected rendering per column: DuckDB SQL over read_parquet of our file, plus a normaliser. */
interface ColumnCheck {
  name: string;
  pgType: string;
  /** DuckDB expression for the expected text (default CAST(name AS VARCHAR)). */
  expected?: string;
  normalise?: (value: unknown) => string | null;
  /** Also require the exact same string as DuckDB's rendering. */
  exact?: boolean;
}

async function checkAgainstDuckDb(path: string, checks: ColumnCheck[]): Promise<void> {
  const result = await readAll(path);
  const duckRows = await fx.duck.query(
    `SELECT ${checks.map((c) => `${c.expected ?? `CAST("${c.name}" AS VARCHAR)`} AS "${c.name}"`).join(', ')}
       FROM read_parquet(${sqlPath(path)}, file_row_number = true) ORDER BY file_row_number`,
  );
  expect(result.rows.length).toBe(duckRows.length);
  expect(result.rows.map((row) => row.line)).toEqual(duckRows.map((_, i) => i + 1));
  for (const check of checks) {
    const column = result.source.columns.find((c) => c.name === check.name);
    expect(column?.pgType, check.name).toBe(check.pgType);
    const actual = columnValues(result, check.name);
    const expected = duckRows.map((row) => (check.normalise ?? normaliseDuckText)(row[check.name]));
    const mismatches = await pgMismatches(fx.client, check.pgType, actual, expected);
    expect(mismatches, `column ${check.name}`).toEqual([]);
    if (check.exact) expect(actual, `column ${check.name}`).toEqual(expected);
  }
}

/** Cuts DuckDB's nanosecond fraction to microseconds (we truncate; PostgreSQL would round). */
const truncateNanos = (value: unknown): string | null => {
  const text = normaliseDuckText(value);
  return text === null ? null : text.replace(/(\.\d{6})\d+/, '$1');
};

describe('scalar types', () => {
  test('every scalar type matches DuckDB, checked by PostgreSQL', async () => {
    const path = fx.dir.file('scalars.parquet');
    await fx.duck.run(`COPY (SELECT
      unnest([-128, 127, 0, NULL, 1, -1]::TINYINT[]) AS ti,
      unnest([-32768, 32767, 0, NULL, 2, -2]::SMALLINT[]) AS si,
      unnest([-2147483648, 2147483647, 0, NULL, 3, -3]::INTEGER[]) AS i,
      unnest([-9223372036854775808, 9223372036854775807, 0, NULL, 9007199254740993, -9007199254740993]::BIGINT[]) AS bi,
      unnest([255, 0, 1, NULL, 128, 2]::UTINYINT[]) AS uti,
      unnest([65535, 0, 1, NULL, 32768, 2]::USMALLINT[]) AS usi,
      unnest([4294967295, 0, 1, NULL, 2147483648, 2]::UINTEGER[]) AS ui,
      unnest([18446744073709551615, 0, 9223372036854775808, NULL, 1, 9007199254740993]::UBIGINT[]) AS ubi,
      unnest([170141183460469231731687303715884105727, 0, -1, NULL, 1, 2]::HUGEINT[]) AS hi,
      unnest([1.1, 3.4028235e38, 1e-45, 'inf', 'nan', NULL]::FLOAT[]) AS f,
      unnest([0.1, 1.7976931348623157e308, 5e-324, '-inf', 'nan', NULL]::DOUBLE[]) AS d,
      unnest([true, false, NULL, true, false, true]::BOOLEAN[]) AS b,
      unnest(['héllo wörld', '', E'tab\\tnew\\nline "q" \\\\ back', '😀 emoji', NULL, 'x']::VARCHAR[]) AS s,
      unnest([-999.9, 999.9, 0, NULL, 0.1, -0.1]::DECIMAL(4,1)[]) AS dec4,
      unnest([-9999999.99, 9999999.99, 0.01, -0.01, NULL, 1234567.12]::DECIMAL(9,2)[]) AS dec9,
      unnest([-99999999999999.9999, 99999999999999.9999, -0.0042, NULL, 0, 1.5]::DECIMAL(18,4)[]) AS dec18,
      unnest(['-9999999999999999999999999999.9999999999', '9999999999999999999999999999.9999999999', '-0.0000000042',
              '12345678901234567890.12', NULL, '0']::DECIMAL(38,10)[]) AS dec38,
      unnest(['2024-02-29', '0001-01-01', '0044-03-15 (BC)', '9999-12-31', 'infinity', NULL]::DATE[]) AS dt,
      unnest(['00:00:00', '23:59:59.999999', '12:34:56.5', NULL, '24:00:00', '01:02:03']::TIME[]) AS tm,
      unnest(['2024-01-02 03:04:05.123', '1969-12-31 23:59:59.999', '1900-01-01 00:00:00', NULL, 'infinity',
              '0044-03-15 (BC) 12:00:00']::TIMESTAMP_MS[]) AS tsms,
      unnest(['2024-01-02 03:04:05.123456', '1969-12-31 23:59:59.999999', '0001-01-01 00:00:00', '-infinity', NULL,
              '0044-03-15 (BC) 12:00:00.5']::TIMESTAMP[]) AS tsus,
      unnest(['2024-01-02 03:04:05.123456789', '1969-12-31 23:59:59.999999999', '1677-09-22 00:00:00', '2262-04-11 00:00:00',
              NULL, '1970-01-01 00:00:00.000000001']::TIMESTAMP_NS[]) AS tsns,
      unnest(['2024-01-02 03:04:05.123456+00', '1969-12-31 23:59:59.999999+00', '2024-06-30 22:00:00-05', NULL, 'infinity',
              '1000-01-01 00:00:00+00']::TIMESTAMPTZ[]) AS tstz,
      unnest(['\\x00\\xFF'::BLOB, ''::BLOB, 'abc'::BLOB, NULL, '\\x0A\\x1B'::BLOB, '\\xDE\\xAD\\xBE\\xEF'::BLOB]) AS bl,
      unnest(['12345678-1234-5678-1234-567812345678', '00000000-0000-0000-0000-000000000000',
              'ffffffff-ffff-ffff-ffff-ffffffffffff', NULL, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '00000000-0000-0000-0000-000000000001']::UUID[]) AS u,
      unnest(['1 month 2 days 3.004 seconds', '0 seconds', '14 months', '1000 hours', NULL, '1 day']::INTERVAL[]) AS iv,
      unnest([NULL, NULL, NULL, NULL, NULL, NULL]::INTEGER[]) AS nul,
      unnest(['{"a": [1, 2.50, "x"]}', '[]', '"s"', NULL, '123456789012345678901234567890', '{"k": null}']::JSON[]) AS js,
      unnest(['a', 'b', NULL, 'a', 'a', 'b']::ENUM('a', 'b')[]) AS en
    ) TO ${sqlPath(path)} (FORMAT parquet)`);

    await checkAgainstDuckDb(path, [
      { name: 'ti', pgType: 'smallint', exact: true },
      { name: 'si', pgType: 'smallint', exact: true },
      { name: 'i', pgType: 'integer', exact: true },
      { name: 'bi', pgType: 'bigint', exact: true },
      { name: 'uti', pgType: 'smallint', exact: true },
      { name: 'usi', pgType: 'integer', exact: true },
      { name: 'ui', pgType: 'bigint', exact: true },
      { name: 'ubi', pgType: 'numeric(20,0)', exact: true },
      // DuckDB itself stores HUGEINT as DOUBLE in Parquet.
      { name: 'hi', pgType: 'double precision' },
      { name: 'f', pgType: 'real' },
      { name: 'd', pgType: 'double precision' },
      { name: 'b', pgType: 'boolean' },
      { name: 's', pgType: 'text', exact: true },
      { name: 'dec4', pgType: 'numeric(4,1)', exact: true },
      { name: 'dec9', pgType: 'numeric(9,2)', exact: true },
      { name: 'dec18', pgType: 'numeric(18,4)', exact: true },
      { name: 'dec38', pgType: 'numeric(38,10)', exact: true },
      { name: 'dt', pgType: 'date' },
      { name: 'tm', pgType: 'time without time zone' },
      { name: 'tsms', pgType: 'timestamp without time zone' },
      { name: 'tsus', pgType: 'timestamp without time zone' },
      { name: 'tsns', pgType: 'timestamp without time zone', normalise: truncateNanos },
      { name: 'tstz', pgType: 'timestamp with time zone' },
      {
        name: 'bl',
        pgType: 'bytea',
        expected: `CASE WHEN bl IS NULL THEN NULL ELSE '\\x' || lower(hex(bl)) END`,
        exact: true,
      },
      { name: 'u', pgType: 'uuid', exact: true },
      { name: 'iv', pgType: 'interval' },
      { name: 'nul', pgType: 'integer', exact: true },
      { name: 'js', pgType: 'jsonb' },
      { name: 'en', pgType: 'text', exact: true },
    ]);
  });

  test('floats use the shortest round-trip digits and PostgreSQL spellings of special values', async () => {
    const path = fx.dir.file('floats.parquet');
    await fx.duck.run(`COPY (SELECT
      unnest([1.1, 0.1, 3.4028235e38, 1e-45, 16777216, -2.5, 'inf', '-inf', 'nan']::FLOAT[]) AS f,
      unnest([0.1, 1e21, 1e-7, 123456789.125, 0, 2.5, 'inf', '-inf', 'nan']::DOUBLE[]) AS d
    ) TO ${sqlPath(path)} (FORMAT parquet)`);
    const result = await readAll(path);
    expect(columnValues(result, 'f')).toEqual(['1.1', '0.1', '3.4028235e+38', '1e-45', '16777216', '-2.5', 'Infinity', '-Infinity', 'NaN']);
    expect(columnValues(result, 'd')).toEqual(['0.1', '1e+21', '1e-7', '123456789.125', '0', '2.5', 'Infinity', '-Infinity', 'NaN']);
  });

  test('dictionary-encoded strings, including nulls and empty strings', async () => {
    const path = fx.dir.file('dictionary.parquet');
    await fx.duck.run(`COPY (SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE 'value-' || (i % 5) END AS s, (i % 3)::BIGINT AS k,
        CASE WHEN i % 7 = 0 THEN '' ELSE 'x' END AS e
      FROM range(5000) t(i)) TO ${sqlPath(path)} (FORMAT parquet)`);
    const encodings = await fx.duck.query(`SELECT encodings FROM parquet_metadata(${sqlPath(path)}) WHERE path_in_schema = 's'`);
    expect(String(encodings[0]?.encodings)).toContain('DICTIONARY');
    await checkAgainstDuckDb(path, [
      { name: 's', pgType: 'text', exact: true },
      { name: 'k', pgType: 'bigint', exact: true },
      { name: 'e', pgType: 'text', exact: true },
    ]);
  });
});

test('the PostgreSQL comparison used below does catch differences', async () => {
  const mismatches = await pgMismatches(fx.client, 'numeric(9,2)', ['1.00', '2', null], ['1.01', '2.00', null]);
  expect(mismatches.map((m) => m.row)).toEqual([1]);
  await expect(pgMismatches(fx.client, 'date', ['not a date'], ['2024-01-01'])).rejects.toThrow(/invalid input syntax/);
});

describe('nested types become jsonb', () => {
  test('LIST, STRUCT and MAP match DuckDB to_json, with exact big numbers', async () => {
    const path = fx.dir.file('nested.parquet');
    await fx.duck.run(`COPY (SELECT
      unnest([[1, 2, NULL], [], NULL, [3]]::INTEGER[][]) AS li,
      unnest([['a', 'b'], [NULL], [], NULL]::VARCHAR[][]) AS ls,
      unnest([['12345678901234567890.0123456789', '-0.0000000001'], NULL, [], ['0']]::DECIMAL(38,10)[][]) AS ld,
      unnest([[9223372036854775807, -9223372036854775808], [0], NULL, []]::BIGINT[][]) AS lb,
      unnest([{'a': 1, 'b': 'x', 'c': [1.5]}, NULL, {'a': NULL, 'b': NULL, 'c': NULL}, {'a': 2, 'b': 'y', 'c': []}]) AS st,
      unnest([MAP {'k': 1, 'z': NULL}, MAP {}, NULL, MAP {'a': 2}]::MAP(VARCHAR, INTEGER)[]) AS mp,
      unnest([[{'x': 1, 'y': [1, 2]}, NULL], [], NULL, [{'x': NULL, 'y': NULL}]]) AS lst,
      unnest([[[1], [2, 3]], [[]], NULL, [NULL, [4]]]::INTEGER[][][]) AS ll,
      unnest([MAP {'k': [1, 2]}, MAP {'e': []}, MAP {'n': NULL}, NULL]::MAP(VARCHAR, INTEGER[])[]) AS mpl,
      unnest([{'outer': {'inner': 1, 's': 'q"uote'}}, {'outer': NULL}, NULL, {'outer': {'inner': NULL, 's': NULL}}]) AS ss,
      unnest([[18446744073709551615], [0], NULL, NULL]::UBIGINT[][]) AS lu,
      unnest([[true, NULL], [false], NULL, []]::BOOLEAN[][]) AS lbool,
      unnest([[MAP {'k': {'a': [1, NULL], 'b': MAP {'1': 'x'}}}], NULL, [], [NULL, MAP {}]]) AS deep
    ) TO ${sqlPath(path)} (FORMAT parquet)`);
    const names = ['li', 'ls', 'ld', 'lb', 'st', 'mp', 'lst', 'll', 'mpl', 'ss', 'lu', 'lbool', 'deep'];
    await checkAgainstDuckDb(
      path,
      names.map((name) => ({ name, pgType: 'jsonb', expected: `to_json("${name}")::VARCHAR` })),
    );
    // Exactness beyond what jsonb comparison shows: digits are written as they are, not via float.
    const result = await readAll(path);
    expect(columnValues(result, 'ld')[0]).toBe('[12345678901234567890.0123456789,-0.0000000001]');
    expect(columnValues(result, 'lb')[0]).toBe('[9223372036854775807,-9223372036854775808]');
    expect(columnValues(result, 'lu')[0]).toBe('[18446744073709551615]');
  });

  test('temporal, binary, uuid, special floats and non-text map keys inside JSON', async () => {
    const path = fx.dir.file('nested-special.parquet');
    await fx.duck.run(`COPY (SELECT
      [TIMESTAMP '2024-01-02 03:04:05.123456', TIMESTAMP '0044-03-15 (BC) 00:00:00', NULL] AS lts,
      [TIMESTAMPTZ '2024-01-02 03:04:05+00'] AS ltz,
      [TIMESTAMP_NS '2024-01-02 03:04:05.123456789'] AS lns,
      [DATE '2024-01-02', DATE '0001-01-01'] AS ldt,
      [TIME '01:02:03.5'] AS ltm,
      ['\\x01\\xAB'::BLOB] AS lbl,
      [uuid '12345678-1234-5678-1234-567812345678'] AS lu,
      ['nan'::DOUBLE, 'inf'::DOUBLE, '-inf'::DOUBLE, 1.5] AS lf,
      [1.1::FLOAT] AS lf32,
      MAP {1: 'a', 2: NULL} AS mi,
      {'when': TIMESTAMP_MS '2024-01-02 03:04:05.120', 'amount': 12.30::DECIMAL(9,2), 'iv': INTERVAL '1 month 2 days'} AS st,
      ['{"a":1}'::JSON] AS lj
    ) TO ${sqlPath(path)} (FORMAT parquet)`);
    const result = await readAll(path);
    const row = Object.fromEntries(result.source.columns.map((c, i) => [c.name, result.rows[0]?.values[i]]));
    expect(row).toEqual({
      lts: '["2024-01-02T03:04:05.123456","-0043-03-15T00:00:00",null]',
      ltz: '["2024-01-02T03:04:05Z"]',
      lns: '["2024-01-02T03:04:05.123456"]',
      ldt: '["2024-01-02","0001-01-01"]',
      ltm: '["01:02:03.5"]',
      lbl: '["\\\\x01ab"]',
      lu: '["12345678-1234-5678-1234-567812345678"]',
      lf: '["NaN","Infinity","-Infinity",1.5]',
      lf32: '[1.1]',
      mi: '[{"key":1,"value":"a"},{"key":2,"value":null}]',
      st: '{"when":"2024-01-02T03:04:05.12","amount":12.30,"iv":"1 mons 2 days 00:00:00"}',
      lj: '[{"a":1}]',
    });
    for (const column of result.source.columns) expect(column.pgType).toBe('jsonb');
    // Every document is valid jsonb.
    const values = result.rows[0]?.values ?? [];
    await expect(fx.client.query('SELECT unnest($1::text[])::jsonb', [values])).resolves.toBeDefined();
  });
});

describe('compression, page versions and row groups', () => {
  const codecs = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'lz4_raw', 'brotli'];
  for (const codec of codecs) {
    for (const version of ['V1', 'V2']) {
      test(`${codec} with ${version} pages`, async () => {
        const path = fx.dir.file(`codec-${codec}-${version}.parquet`);
        await fx.duck.run(`COPY (SELECT i::BIGINT AS id, 'cat-' || (i % 7) AS category, md5(i::VARCHAR) AS note,
            CASE WHEN i % 5 = 0 THEN NULL ELSE i * 0.25 END::DOUBLE AS amount,
            TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) MINUTE AS ts, (i % 2 = 0) AS flag, NULL::VARCHAR AS empty
          FROM range(5000) t(i)) TO ${sqlPath(path)} (FORMAT parquet, COMPRESSION ${codec}, PARQUET_VERSION ${version}, ROW_GROUP_SIZE 2048)`);
        const meta = await fx.duck.query(
          `SELECT DISTINCT compression, row_group_id FROM parquet_metadata(${sqlPath(path)}) ORDER BY row_group_id`,
        );
        const groups = new Set(meta.map((m) => m.row_group_id)).size;
        const codecName = String(meta[0]?.compression).toLowerCase();
        const result = await readAll(path);
        expect(result.source.description).toEqual({
          type: 'parquet',
          gzip: false,
          details: `${codecName}, ${groups} row group${groups === 1 ? '' : 's'}`,
        });
        const duckRows = await fx.duck.query(
          `SELECT id::VARCHAR AS id, category, note, amount, strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts, flag
             FROM read_parquet(${sqlPath(path)}, file_row_number = true) ORDER BY file_row_number`,
        );
        expect(result.rows.length).toBe(5000);
        expect(columnValues(result, 'id')).toEqual(duckRows.map((r) => r.id));
        expect(columnValues(result, 'category')).toEqual(duckRows.map((r) => r.category));
        expect(columnValues(result, 'note')).toEqual(duckRows.map((r) => r.note));
        expect(columnValues(result, 'amount').map((v) => (v === null ? null : Number(v)))).toEqual(
          duckRows.map((r) => (r.amount === null ? null : Number(r.amount))),
        );
        expect(columnValues(result, 'ts')).toEqual(duckRows.map((r) => r.ts));
        expect(columnValues(result, 'flag')).toEqual(duckRows.map((r) => (r.flag ? 't' : 'f')));
        expect(columnValues(result, 'empty').every((v) => v === null)).toBe(true);
      });
    }
  }

  test('streams row group by row group with bounded chunks and growing progress', async () => {
    const path = fx.dir.file('groups.parquet');
    await fx.duck.run(`COPY (SELECT i::BIGINT AS id, repeat('x', 50) || i AS pad FROM range(20000) t(i))
      TO ${sqlPath(path)} (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const groups = (await fx.duck.query(`SELECT num_row_groups FROM parquet_file_metadata(${sqlPath(path)})`))[0]?.num_row_groups;
    expect(Number(groups)).toBeGreaterThan(4);
    const result = await readAll(path);
    expect(result.chunks.length).toBeGreaterThanOrEqual(Number(groups));
    expect(Math.max(...result.chunks)).toBeLessThanOrEqual(MAX_CHUNK_ROWS);
    expect(result.rows.map((r) => r.line)).toEqual(Array.from({ length: 20000 }, (_, i) => i + 1));
    expect(columnValues(result, 'id')).toEqual(Array.from({ length: 20000 }, (_, i) => String(i)));
    // Progress grows with the row groups and reaches the file size only at the end.
    expect(result.progress[0]).toBeGreaterThan(0);
    expect(result.progress[0]).toBeLessThan(result.source.totalBytes / 2);
    for (let i = 1; i < result.progress.length; i++) {
      expect(result.progress[i]).toBeGreaterThanOrEqual(result.progress[i - 1] as number);
    }
    expect(result.progress.at(-1)).toBe(result.source.totalBytes);
  });

  test('a single huge row group is read in slices', async () => {
    const path = fx.dir.file('one-group.parquet');
    await fx.duck.run(`COPY (SELECT i::BIGINT AS id, CASE WHEN i % 3 = 0 THEN NULL ELSE md5(i::VARCHAR) END AS h FROM range(50000) t(i))
      TO ${sqlPath(path)} (FORMAT parquet, ROW_GROUP_SIZE 100000)`);
    const source = await openParquetSource(path, {});
    expect(source.description.details).toBe('snappy, 1 row group');
    let rows = 0;
    let chunks = 0;
    for await (const chunk of source.rows()) {
      expect(chunk.length).toBeLessThanOrEqual(MAX_CHUNK_ROWS);
      expect(chunk[0]?.line).toBe(rows + 1);
      rows += chunk.length;
      chunks++;
    }
    expect(rows).toBe(50000);
    expect(chunks).toBeGreaterThanOrEqual(Math.ceil(50000 / MAX_CHUNK_ROWS));
  });

  test('stopping early and closing twice is safe', async () => {
    const path = fx.dir.file('early.parquet');
    await fx.duck.run(`COPY (SELECT i AS id FROM range(30000) t(i)) TO ${sqlPath(path)} (FORMAT parquet, ROW_GROUP_SIZE 4096)`);
    const source = await openParquetSource(path, {});
    for await (const chunk of source.rows()) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    await source.close();
    await source.close();
    expect(source.bytesRead()).toBeLessThan(source.totalBytes);
  });

  test('an empty file (no rows) still has columns', async () => {
    const path = fx.dir.file('empty.parquet');
    await fx.duck.run(`COPY (SELECT 1::INTEGER AS a, 'x' AS b WHERE false) TO ${sqlPath(path)} (FORMAT parquet)`);
    const result = await readAll(path);
    expect(result.source.columns).toEqual([
      { name: 'a', pgType: 'integer' },
      { name: 'b', pgType: 'text' },
    ]);
    expect(result.rows).toEqual([]);
  });
});
