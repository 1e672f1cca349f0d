import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
for (const codec of ['snappy','gzip','zstd','lz4','lz4_raw','brotli','uncompressed']) {
  await c.run(`COPY (SELECT 'infinity'::DATE d, '-infinity'::DATE nd, 'infinity'::TIMESTAMP t, '-infinity'::TIMESTAMP nt, 'infinity'::TIMESTAMPTZ tz, i::BIGINT i, 'str' || (i % 10) s FROM range(3) t(i)) TO '/tmp/pq/c_${codec}.parquet' (FORMAT parquet, COMPRESSION ${codec}, PARQUET_VERSION V2)`);
}
const r = await c.runAndReadAll(`SELECT * FROM parquet_metadata('/tmp/pq/c_*.parquet') WHERE row_group_id=0 AND column_id=5`);
console.log(r.getRowObjectsJson().map(o => [o.file_name, o.compression, o.encodings].join(' ')).join('\n'));
