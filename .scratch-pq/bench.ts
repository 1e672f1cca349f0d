import { openParquetSource } from '../src/main/engine/input/parquet-source.ts';
let peak = 0;
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
const t0 = performance.now();
const src = await openParquetSource(process.argv[2]!);
let n = 0, chunks = 0, chars = 0;
for await (const chunk of src.rows()) { chunks++; n += chunk.length; const r = chunk[chunk.length - 1]!; chars += r.values.length; }
const ms = performance.now() - t0;
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(timer);
console.log(`${process.argv[2]}: ${n} rows in ${ms.toFixed(0)} ms = ${(n / ms * 1000 / 1e6).toFixed(2)} M rows/s, chunks ${chunks}, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
