// CSV -> Parquet through DuckDB, with the column types spelled out so the Parquet file carries
// exactly the table's types (INT64, UTF8 strings, INT64, timestamp with time zone).
import { DuckDBInstance } from '@duckdb/node-api';
import { stat } from 'node:fs/promises';

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Returns the Parquet file's size. */
export async function csvToParquet(csv: string, parquet: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(`COPY (SELECT * FROM read_csv(${literal(csv)}, header = true,
        columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'city': 'VARCHAR', 'amount': 'BIGINT', 'created_at': 'TIMESTAMPTZ'}))
      TO ${literal(parquet)} (FORMAT parquet, COMPRESSION snappy)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return (await stat(parquet)).size;
}
