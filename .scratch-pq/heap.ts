import { openParquetSource } from '../src/main/engine/input/parquet-source.ts';
const gc = (globalThis as { gc?: () => void }).gc!;
const src = await openParquetSource(process.argv[2]!);
let chunks = 0; const samples: string[] = [];
for await (const chunk of src.rows()) { if (++chunks % 20 === 0) { gc(); const m = process.memoryUsage(); samples.push(`${(m.heapUsed/2**20).toFixed(0)}/${(m.external/2**20).toFixed(0)}/${(m.rss/2**20).toFixed(0)}`); } void chunk; }
console.log('heapUsed/external/rss MiB after gc:', samples.join(' '));
