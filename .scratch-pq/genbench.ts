import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
for (const codec of ['snappy', 'zstd']) {
await c.run(`COPY (SELECT i::BIGINT id, 'name-' || (i % 50000) AS name, md5(i::VARCHAR) AS note, (i * 7919) % 1000003 AS qty, TIMESTAMPTZ '2020-01-01 00:00:00+00' + INTERVAL (i) SECOND AS ts FROM range(1000000) t(i)) TO '/tmp/pq/bench_${codec}.parquet' (FORMAT parquet, COMPRESSION ${codec})`);
}
