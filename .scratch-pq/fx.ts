import { writeParquetFixture, int96, text } from '../test/fixtures/parquet-writer.ts';
import { DuckDBInstance } from '@duckdb/node-api';
const dec = (hex: string) => Buffer.from(hex, 'hex');
for (const codec of ['UNCOMPRESSED', 'LZ4'] as const) {
await writeParquetFixture(`/tmp/pq/fx_${codec}.parquet`, [
  { name: 'ts96', type: 'INT96', optional: true, values: [int96(2440588, 0n), int96(2451545, 43200_000_000_123n), null, int96(2299160, 1n)] },
  { name: 'bdec', type: 'BYTE_ARRAY', converted: 'DECIMAL', scale: 3, precision: 30, optional: true, values: [dec('ff'), dec('00'), dec('0123456789abcdef0123'), null] },
  { name: 'tsleg', type: 'INT64', converted: 'TIMESTAMP_MILLIS', values: [0n, 1704164645123n, -1n, 86400000n] },
  { name: 'bin', type: 'BYTE_ARRAY', values: [text('hi'), new Uint8Array(0), dec('00ff'), text('x')] },
  { name: 's', type: 'BYTE_ARRAY', converted: 'UTF8', optional: true, values: [text('héllo'), null, text(''), text('z')] },
  { name: 'u32', type: 'INT32', logical: { type: 'INTEGER', bitWidth: 32, signed: false }, values: [-1, 0, 1, 2147483647] },
  { name: 'f16', type: 'FIXED_LEN_BYTE_ARRAY', typeLength: 2, logical: { type: 'FLOAT16' }, values: [dec('003c'), dec('0000'), dec('007c'), dec('6624')] },
  { name: 'tns', type: 'INT64', logical: { type: 'TIMESTAMP', utc: true, unit: 'NANOS' }, values: [1n, -1n, 1704164645123456789n, 0n] },
  { name: 'tms', type: 'INT32', logical: { type: 'TIME', utc: false, unit: 'MILLIS' }, values: [0, 1, 86399999, 3723004] },
], { codec });
}
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run(`SET TimeZone='UTC'`);
for (const codec of ['UNCOMPRESSED', 'LZ4']) {
  try { const r = await c.runAndReadAll(`SELECT * FROM read_parquet('/tmp/pq/fx_${codec}.parquet')`); console.log(r.getRowsJson()); } catch (e) { console.log('duck', codec, String(e)); }
}
