// Robustness of both Parquet readers on the same damaged files: each of N mutations of a valid
// file (1-4 bytes overwritten, a quarter of them in the footer; deterministic) is read by
// bench/parquet-readers.ts in its own process, and the outcome counted: rows, a clean error,
// a crash (killed by a signal) or a hang (no end within 20 s).
//   node bench/parquet-fuzz-readers.ts FILE.parquet [N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [seedPath, countArg] = process.argv.slice(2);
if (!seedPath) throw new Error('usage: parquet-fuzz-readers.ts FILE [N]');
const count = Number(countArg ?? 100);
const seed = readFileSync(seedPath);
const dir = mkdtempSync(join(tmpdir(), 'keyload-fuzz-readers-'));
let state = 0x9e3779b9;
const random = (): number => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const tally: Record<string, Record<string, number>> = { keyload: {}, duckdb: {} };
for (let i = 0; i < count; i++) {
  const bytes = Buffer.from(seed);
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const inFooter = random() < 0.25;
    const from = inFooter ? Math.floor(bytes.length * 0.9) : 0;
    bytes[from + Math.floor(random() * (bytes.length - from))] = Math.floor(random() * 256);
  }
  const path = join(dir, `mutated-${i}.parquet`);
  writeFileSync(path, bytes);
  for (const reader of ['keyload', 'duckdb']) {
    const run = spawnSync(process.execPath, [new URL('./parquet-readers.ts', import.meta.url).pathname, reader, path], {
      timeout: 20_000,
      encoding: 'utf8',
    });
    const outcome =
      run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
        ? 'hang'
        : run.signal
          ? `crash (${run.signal})`
          : run.status === 0
            ? 'rows'
            : 'error';
    const counts = tally[reader] as Record<string, number>;
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
}
console.log(JSON.stringify({ file: seedPath, inputs: count, outcomes: tally }));
