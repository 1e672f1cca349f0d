import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run(`COPY (SELECT 1::TINYINT a, 2::SMALLINT b, 3::INTEGER c, 4::BIGINT d, 5::UTINYINT e, 6::USMALLINT f, 7::UINTEGER g, 18446744073709551615::UBIGINT h,
  170141183460469231731687303715884105727::HUGEINT hi, 1.5::FLOAT fl, 2.5::DOUBLE db, true bo, 'x' s, '1234567.12'::DECIMAL(9,2) d9, '1.1234'::DECIMAL(18,4) d18, '-1234567890123456789012345678.0123456789'::DECIMAL(38,10) d38,
  DATE '2024-01-02' dt, TIME '01:02:03.123456' tm, TIMESTAMP_MS '2024-01-02 03:04:05.123' tsms, TIMESTAMP '2024-01-02 03:04:05.123456' tsus, TIMESTAMP_NS '2024-01-02 03:04:05.123456789' tsns,
  TIMESTAMPTZ '2024-01-02 03:04:05.123456+00' tstz, '\\x0A\\x1B'::BLOB bl, uuid '12345678-1234-5678-1234-567812345678' u, [1,2,3] li, {'a': 1, 'b': 'x'} st, MAP {'k': 1} mp, MAP {1: 'a'} mpi,
  INTERVAL '1 month 2 days 3 seconds' iv, NULL::INTEGER nul, '{"a":1}'::JSON js, 'a'::ENUM('a','b') en, TIMETZ '01:02:03+05' ttz, ['x', NULL] la
  ) TO '/tmp/pq/probe.parquet' (FORMAT parquet)`);
