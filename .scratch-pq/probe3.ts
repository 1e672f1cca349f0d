import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
for (const codec of ['snappy','gzip','zstd','lz4','lz4_raw','brotli','uncompressed']) {
  const f = await asyncBufferFromFile(`/tmp/pq/c_${codec}.parquet`);
  const rows = await parquetReadObjects({ file: f, compressors });
  console.log(codec, JSON.stringify(rows[2], (k, v) => typeof v === 'bigint' ? String(v) : v));
}
