// Buffer I/O (pg_stat_io) of psql's upsert and Keyload's at N rows into an N-row table, on a fresh
// embedded server: counts, unlike times, do not move with a busy machine. `node bench/buffer-profile.ts 10000000`
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './server.ts';
import { writeBaseCsv, writeUpsertCsv } from './generate.ts';
import { CREATE_TABLE, TABLE } from './commands.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'kl-buf-'));
const server = await startBenchServer('embedded');
const base = join(dir, 'base.csv'), upsert = join(dir, 'upsert.csv');
await writeBaseCsv(base, rows, 20_240_601);
await writeUpsertCsv(upsert, rows, 20_240_601);
const io = async () => (await server.query<{ reads: string; writes: string; hits: string; evictions: string; extends: string }>(
  `SELECT sum(reads)::text reads, sum(writes)::text writes, sum(hits)::text hits, sum(evictions)::text evictions, sum(extends)::text extends FROM pg_stat_io WHERE object = 'relation'`))[0]!;
const psql = (args: string[]) => execFileSync(server.psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', server.url, ...args], { stdio: 'inherit' });
for (const tool of ['psql', 'keyload']) {
  await server.query(`DROP TABLE IF EXISTS ${TABLE}; DROP SCHEMA IF EXISTS keyload CASCADE; ${CREATE_TABLE}`);
  psql(['-c', `\\copy ${TABLE} FROM '${base}' CSV HEADER`]);
  await server.query(`VACUUM ANALYZE ${TABLE}`); await server.query('CHECKPOINT');
  const before = await io(); const t0 = Date.now();
  if (tool === 'psql') execFileSync(server.psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', server.url, '-f', '-'], { input: `BEGIN; CREATE TEMP TABLE s (LIKE ${TABLE}) ON COMMIT DROP;\n\\copy s FROM '${upsert}' CSV HEADER\nINSERT INTO ${TABLE} SELECT DISTINCT ON (id) * FROM s ORDER BY id ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, city = EXCLUDED.city, amount = EXCLUDED.amount, created_at = EXCLUDED.created_at;\nCOMMIT;\n` });
  else execFileSync('node', ['bin/keyload.js', 'load', '--dsn', server.url, '--table', TABLE, '--mode', 'upsert', '--json', upsert], { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, KEYLOAD_HOME: join(dir, 'home') } });
  const after = await io();
  const d = (k: keyof typeof before) => (Number(after[k]) - Number(before[k])).toLocaleString('en');
  console.log(`${rows} rows ${tool}: ${((Date.now() - t0) / 1000).toFixed(1)} s  reads ${d('reads')}  writes ${d('writes')}  evictions ${d('evictions')}  hits ${d('hits')}  extends ${d('extends')}`);
}
await server.stop();
