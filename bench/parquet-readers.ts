// Measures one Parquet reader over one file in this process: `keyload` (openParquetSource, values
// as PostgreSQL text) or `duckdb` (@duckdb/node-api streaming the file, every column cast to text
// in SQL: VARCHAR for scalars, to_json for nested). Prints rows, seconds, rows/s and peak RSS.
// Run each reader in its own process so peak RSS is its own:
//   npx tsx bench/parquet-readers.ts keyload|duckdb FILE.parquet
import { DuckDBInstance } from '@duckdb/node-api';
import { openParquetSource } from '../src/main/engine/input/parquet-source.ts';

const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function readWithKeyload(path: string): Promise<number> {
  const source = await openParquetSource(path);
  let rows = 0;
  let checksum = 0;
  for await (const chunk of source.rows()) {
    rows += chunk.length;
    checksum += chunk[0]?.values[1]?.length ?? 0;
  }
  return rows + checksum * 0;
}

async function readWithDuckDb(path: string): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${literal(path)})`);
    const casts = described.getRowObjectsJS().map(({ column_name: name, column_type: type }) => {
      const nested = /STRUCT|MAP|\[\]/.test(String(type));
      return nested ? `to_json(${quoted(String(name))})::VARCHAR` : `${quoted(String(name))}::VARCHAR`;
    });
    const result = await connection.stream(`SELECT ${casts.join(', ')} FROM read_parquet(${literal(path)})`);
    let rows = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const columns = chunk.getColumns();
      rows += chunk.rowCount;
      if (columns.length === 0) throw new Error('no columns');
    }
    return rows;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const [reader, path] = process.argv.slice(2);
if (!path || (reader !== 'keyload' && reader !== 'duckdb')) throw new Error('usage: parquet-readers.ts keyload|duckdb FILE');
const started = performance.now();
const rows = reader === 'keyload' ? await readWithKeyload(path) : await readWithDuckDb(path);
const seconds = (performance.now() - started) / 1000;
const peakMiB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ reader, rows, seconds: +seconds.toFixed(2), rowsPerSecond: Math.round(rows / seconds), peakMiB: Math.round(peakMiB) }));
