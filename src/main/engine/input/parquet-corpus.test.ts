// Every file of the multi-writer corpus (test/fixtures/parquet-corpus.ts) read by Keyload and by
// DuckDB, an independent reader: the same rows, and every value parsed by PostgreSQL as the column's
// type equal to DuckDB's reading of it.
import { beforeAll, describe, expect, test } from 'vitest';
import { writeParquetCorpus, type CorpusFile } from '../../../../test/fixtures/parquet-corpus.ts';
import {
  columnValues,
  normaliseDuckText,
  pgMismatches,
  readAll,
  sqlPath,
  useParquetFixtures,
} from '../../../../test/fixtures/parquet-helpers.ts';
import { openParquetSource } from './parquet-source.ts';

const fx = useParquetFixtures();
const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** DuckDB's reading of a column, as text PostgreSQL parses as `pgType` (see parquet-source.test.ts). */
function duckExpression(name: string, pgType: string, duckType: string): string {
  const column = quoted(name);
  if (pgType === 'jsonb') return duckType === 'JSON' ? `CAST(${column} AS VARCHAR)` : `to_json(${column})::VARCHAR`;
  if (pgType === 'bytea') return `CASE WHEN ${column} IS NULL THEN NULL ELSE '\\x' || lower(hex(${column})) END`;
  // Keyload truncates nanoseconds to PostgreSQL's microseconds.
  if (duckType.startsWith('TIMESTAMP_NS')) return `strftime(${column}, '%Y-%m-%d %H:%M:%S.%f')`;
  if (duckType === 'TIMESTAMP WITH TIME ZONE' || duckType === 'TIMESTAMP_NS WITH TIME ZONE') {
    return `strftime(${column}, '%Y-%m-%d %H:%M:%S.%f+00')`;
  }
  return `CAST(${column} AS VARCHAR)`;
}

/** Rows whose documents differ as jsonb values (numbers compared as numbers: DuckDB writes 20.0 for a double 20). */
async function jsonbMismatches(actual: (string | null)[], expected: (string | null)[]): Promise<unknown[]> {
  const result = await fx.client.query(
    `SELECT i::int AS row, a AS actual, e AS expected FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(a, e, i)
      WHERE a::jsonb IS DISTINCT FROM e::jsonb`,
    [actual, expected],
  );
  return result.rows;
}

async function checkAgainstDuckDb(file: CorpusFile): Promise<number> {
  const result = await readAll(file.path);
  const duckTypes = new Map(
    (await fx.duck.query(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(file.path)})`)).map((row) => [
      String(row.column_name),
      String(row.column_type),
    ]),
  );
  expect(result.source.columns.map((column) => column.name)).toEqual([...duckTypes.keys()]);
  const columns = result.source.columns;
  const duckRows = await fx.duck.query(
    `SELECT ${columns.map((c) => `${duckExpression(c.name, c.pgType, duckTypes.get(c.name) ?? '')} AS ${quoted(c.name)}`).join(', ')}
       FROM read_parquet(${sqlPath(file.path)}, file_row_number = true) ORDER BY file_row_number`,
  );
  expect(result.rows.length).toBe(duckRows.length);
  for (const column of columns) {
    const actual = columnValues(result, column.name);
    const expected = duckRows.map((row) => normaliseDuckText(row[column.name]));
    const mismatches =
      column.pgType === 'jsonb' ? await jsonbMismatches(actual, expected) : await pgMismatches(fx.client, column.pgType, actual, expected);
    expect(mismatches, `${file.name}: column ${column.name} (${column.pgType})`).toEqual([]);
  }
  return result.rows.length;
}

describe('a corpus of Parquet files from DuckDB, hyparquet-writer and parquet-rs', () => {
  let files: CorpusFile[] = [];
  beforeAll(async () => {
    files = await writeParquetCorpus(fx.duck, fx.dir.file);
  }, 60_000);

  test('the corpus covers three writers', () => {
    expect(new Set(files.map((f) => f.writer))).toEqual(new Set(['duckdb', 'hyparquet-writer', 'parquet-rs']));
  });

  test('every value of every file matches DuckDB, checked by PostgreSQL', async () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) await checkAgainstDuckDb(file);
  }, 120_000);

  test('zero-row files with key-value metadata read as typed, empty sources', async () => {
    for (const file of files.filter((f) => f.name.includes('zero-rows'))) {
      const source = await openParquetSource(file.path);
      expect(source.rowEstimate, file.name).toBe(0);
      expect(source.columns.length, file.name).toBeGreaterThan(0);
      const chunks: unknown[] = [];
      for await (const chunk of source.rows()) chunks.push(chunk);
      expect(chunks, file.name).toEqual([]);
    }
  });

  test('nested columns under REQUIRED groups (Impala) read exactly, from each writer', async () => {
    for (const file of files.filter((f) => f.name.endsWith('hyw-nested-required.parquet'))) {
      const result = await readAll(file.path);
      expect(columnValues(result, 'point'), file.name).toEqual([
        '{"x":1,"label":"a"}',
        '{"x":-2,"label":null}',
        '{"x":3,"label":"c\\"q"}',
        '{"x":0,"label":""}',
      ]);
      expect(columnValues(result, 'scores'), file.name).toEqual(['[1,2]', '[]', '[3]', '[2147483647,-2147483648]']);
      expect(columnValues(result, 'outer'), file.name).toEqual(['{"tags":["x",null]}', null, '{"tags":[]}', '{"tags":["y"]}']);
    }
  });
});
