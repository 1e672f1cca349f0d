import { openAsBlob } from 'node:fs';
import * as pw from 'parquet-wasm/node';
import { tableFromIPC } from 'apache-arrow';
let peak = 0;
const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
const t0 = performance.now();
const blob = await openAsBlob(process.argv[2]!);
const file = await pw.ParquetFile.fromFile(blob);
const stream = await file.stream({ batchSize: 8192 });
let n = 0;
const reader = stream.getReader();
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  const batch = value as pw.RecordBatch;
  const ipc = batch.intoIPCStream();
  const t = tableFromIPC(ipc);
  // convert to strings roughly like the real thing: int64 via BigInt64Array, strings, ts raw
  const cols = t.schema.fields.map((f) => t.getChild(f.name)!);
  for (let i = 0; i < t.numRows; i++) {
    const row: (string | null)[] = new Array(cols.length);
    for (let c = 0; c < cols.length; c++) { const v = cols[c]!.get(i); row[c] = v === null ? null : String(v); }
    n++;
  }
}
const ms = performance.now() - t0;
clearInterval(timer);
console.log(`parquet-wasm: ${n} rows in ${ms.toFixed(0)} ms = ${(n / ms * 1000 / 1e6).toFixed(2)} M rows/s, peak RSS ${(Math.max(peak, process.memoryUsage().rss) / 2 ** 20).toFixed(0)} MiB, wasm memory ${(pw.wasmMemory().buffer.byteLength / 2 ** 20).toFixed(0)} MiB`);
