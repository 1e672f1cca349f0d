import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run(`COPY (SELECT * FROM (VALUES
  (1, [1,2]::INT[], {'a': 1, 'b': [1]}, MAP {'k': [1]}, [{'x': 1}, NULL], [[1,2],[3]], 'infinity'::DATE, 'infinity'::TIMESTAMP, '-infinity'::TIMESTAMP),
  (2, []::INT[], NULL, MAP {}, [], [[], NULL], '-infinity'::DATE, NULL, NULL),
  (3, NULL, {'a': NULL, 'b': NULL}, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, [NULL]::INT[], {'a': 2, 'b': []}, MAP {'z': NULL}, [NULL], [NULL], NULL, NULL, NULL)
) t(id, l, s, m, ls, ll, d, ts, nts)) TO '/tmp/pq/nested.parquet' (FORMAT parquet)`);
