import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run(`COPY (SELECT i::BIGINT id, 'name-' || (i % 50000) AS name, md5(i::VARCHAR) AS note, (i * 7919) % 1000003 AS qty, TIMESTAMPTZ '2020-01-01 00:00:00+00' + INTERVAL (i) SECOND AS ts FROM range(3000000) t(i)) TO '/tmp/pq/bench_1rg.parquet' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 3000000)`);
const r = await c.runAndReadAll(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata('/tmp/pq/bench_1rg.parquet')`);
console.log(r.getRows());
