import { openParquetSource } from '../src/main/engine/input/parquet-source.ts';
const src = await openParquetSource(process.argv[2]!);
console.log(src.description, src.columns.map(c => `${c.name}:${c.pgType}`).join(', '));
let n = 0;
for await (const chunk of src.rows()) { for (const r of chunk) { if (n++ < 6) console.log(JSON.stringify(r)); } }
console.log('rows', n, 'bytes', src.bytesRead(), src.totalBytes);
