// Runs randomized fault scenarios against the real CLI: a load is started, a fault is injected at
// a drawn moment (a stage line of a drawn file plus a drawn delay, or the final manifest write),
// then the same command runs again with no fault, and the table must equal the serial-order result
// of the whole file list, with nothing left behind. Every scenario runs, the failures are reported
// together with the seed; counts per stage go to a JSON report for docs/reliability.md.
//
// Replay: KEYLOAD_FAULT_SEED=<seed> (all the scenarios of that seed), plus KEYLOAD_FAULT_CASES=3,7
// to run only those cases. KEYLOAD_FAULT_RUNS=<n> changes how many scenarios run.
import fc from 'fast-check';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import type { UndoEntry } from '../../src/shared/undo-types.ts';
import { afterAll, expect, test } from 'vitest';
import { CliRun, loadedFiles } from './cli-run.ts';
import { dropTables, loadedButMissing, prepareTables, tableDifference, tableDigest, tablesFor, tracesLeft, type FaultDb } from './oracle.ts';
import { fileRows, initialRows, loadArguments, scenarioArb, writeScenarioFile, type FaultStage, type Scenario, type ScenarioSize } from './scenario.ts';

export type FaultKind = 'terminate-backend' | 'server-restart' | 'sigkill';

export interface InjectContext {
  scenario: Scenario;
  run: CliRun;
  db: FaultDb;
  /** The Keyload backend waiting on the held manifest lock, at the manifest stage. */
  manifestWriter: number | null;
}

export interface FaultTarget {
  db: FaultDb;
  /** Connection string of the database the CLI loads into. */
  dsn: string;
  /** Injects the fault and says what it did. */
  inject(context: InjectContext): Promise<string>;
}

export interface FaultSuiteOptions {
  kind: FaultKind;
  runs: number;
  size: ScenarioSize;
  stages?: readonly FaultStage[];
  /** Creates the database (or server) the scenarios use; called once, before the first. */
  target(): Promise<FaultTarget>;
  /** Stops what `target` started. */
  close(): Promise<void>;
}

/** Where an injection landed: the target file's latest stage, `manifest`, or `missed` (the run had ended). */
type Landed = string;

interface Stats {
  kind: FaultKind;
  seed: number;
  scenarios: number;
  planned: Record<string, number>;
  landed: Record<Landed, number>;
  modes: Record<string, number>;
  failures: string[];
}

/** Keyload's connections in the test database, as pg_stat_activity shows them. */
export async function keyloadBackends(db: FaultDb): Promise<{ pid: number; state: string; query: string; waiting: boolean }[]> {
  return db.query(`SELECT pid, state, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS query, wait_event_type = 'Lock' AS waiting
    FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'keyload' AND pid <> pg_backend_pid()`);
}

/** A pg pool that survives its server going away (a restart): errors of idle clients are dropped. */
export function resilientDb(connectionString: string): FaultDb & { end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString, max: 3 });
  pool.on('error', () => {});
  return {
    async query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]) {
      return (await pool.query<T>(sql, params)).rows;
    },
    end: () => pool.end(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Holds a SHARE lock on the manifest, so Keyload's next manifest write waits on it, and returns
 * that writer's pid once pg_stat_activity shows it waiting (null if the run ends first).
 */
async function holdManifest(dsn: string, db: FaultDb, run: CliRun): Promise<{ writer: number | null; release(): Promise<void> }> {
  const gate = new pg.Client({ connectionString: dsn, application_name: 'keyload-fault-gate' });
  gate.on('error', () => {});
  await gate.connect();
  await gate.query(`BEGIN; SET LOCAL lock_timeout = '30s'; LOCK TABLE keyload.keyload_manifest IN SHARE MODE`);
  const release = async () => {
    await gate.query('ROLLBACK').catch(() => {});
    await gate.end().catch(() => {});
  };
  while (!run.exited) {
    const writer = (await keyloadBackends(db)).find((b) => b.waiting && /keyload_manifest/.test(b.query));
    if (writer) return { writer: writer.pid, release };
    await sleep(10);
  }
  return { writer: null, release };
}

/** Waits for the drawn moment and injects; returns where it landed and what it did. */
async function injectAt(s: Scenario, run: CliRun, file: string, target: FaultTarget, keyed: boolean): Promise<{ landed: Landed; detail: string }> {
  if (s.stage === 'manifest') {
    // Keyed modes write the manifest's `loaded` rows after merging; append with each sub-batch.
    if (!(await run.reached(keyed ? 'merging' : 'staging', keyed ? null : file))) return { landed: 'missed', detail: 'the run ended first' };
    const gate = await holdManifest(target.dsn, target.db, run);
    try {
      if (gate.writer === null) return { landed: 'missed', detail: 'no manifest write was seen' };
      const detail = await target.inject({ scenario: s, run, db: target.db, manifestWriter: gate.writer });
      return { landed: 'manifest', detail };
    } finally {
      await gate.release();
    }
  }
  if (!(await run.reached(s.stage, file))) return { landed: 'missed', detail: 'the run ended first' };
  await sleep(s.delayMs);
  const landed = run.exited ? 'missed' : (run.stageOf.get(file) ?? 'missed');
  if (run.exited) return { landed, detail: 'the run ended first' };
  return { landed, detail: await target.inject({ scenario: s, run, db: target.db, manifestWriter: null }) };
}

const tail = (lines: string[]) => lines.slice(-6).join(' | ');

/**
 * Undoes every run kept for the table, newest first (the re-run, then the faulted one, whatever it
 * committed): each must go through without conflicts, and the table must be the initial one again.
 */
async function undoneToInitial(db: FaultDb, dsn: string, env: NodeJS.ProcessEnv, table: string, initial: string): Promise<string[]> {
  const keyload = (args: string[]) => promisify(execFile)(process.execPath, ['bin/keyload.js', ...args, '--dsn', dsn], { env: { ...process.env, ...env } });
  const listed = JSON.parse((await keyload(['undo', '--list', '--json'])).stdout) as UndoEntry[];
  for (const entry of listed.filter((e) => e.table === `public.${table}` && e.status !== 'undone')) {
    const failed = await keyload(['undo', entry.runId]).then(
      () => null,
      (error: { stderr?: string }) => error.stderr ?? String(error),
    );
    if (failed !== null) return [`undoing run ${entry.runId} failed: ${failed.trim().split('\n').slice(-4).join(' | ')}`];
  }
  const now = await tableDigest(db, table);
  return now === initial ? [] : ['after undoing every run, the table is not the initial one'];
}

let scenarioNumber = 0;

/** One scenario: faulted run, plain re-run, checks. Returns the problems found (none: it passed). */
async function runScenario(s: Scenario, target: FaultTarget, stats: Stats): Promise<string[]> {
  const { db } = target;
  const t = tablesFor(++scenarioNumber);
  const dir = await mkdtemp(join(tmpdir(), 'keyload-fault-'));
  try {
    const rows = s.files.map((f, i) => fileRows(f, i));
    const paths = await Promise.all(s.files.map((f, i) => writeScenarioFile(dir, i, f, rows[i] ?? [])));
    await prepareTables(db, t, s.mode, s.policy, initialRows(s), rows);
    const initial = s.undo ? await tableDigest(db, t.target) : null;
    const args = ['--dsn', target.dsn, ...loadArguments(s, t.target, paths)];
    const env = { KEYLOAD_HOME: join(dir, 'home') };
    const file = basename(paths[s.fileIndex % paths.length] ?? '');

    const faulted = new CliRun(args, env);
    const injection = await injectAt(s, faulted, file, target, s.mode !== 'append').catch((error: unknown) => ({
      landed: 'error',
      detail: `the injection failed: ${error instanceof Error ? error.message : String(error)}`,
    }));
    const first = await faulted.finish(120_000);
    stats.landed[injection.landed] = (stats.landed[injection.landed] ?? 0) + 1;
    const what = `${s.stage} of ${file} +${s.delayMs} ms, landed in ${injection.landed}: ${injection.detail}`;

    const problems: string[] = [];
    if (injection.landed === 'error') problems.push(injection.detail);
    if (first.hung) problems.push(`the faulted run hung: ${tail(first.stderr)}`);
    try {
      problems.push(...(await loadedButMissing(db, t, s.mode, loadedFiles(first.result, paths))).map((p) => `faulted run: ${p}`));
      const rerun = await new CliRun(args, env).finish(120_000);
      if (rerun.code !== 0) problems.push(`the re-run exited ${rerun.code ?? rerun.signal}${rerun.hung ? ' (hung)' : ''}: ${tail(rerun.stderr)}`);
      problems.push(...(await loadedButMissing(db, t, s.mode, loadedFiles(rerun.result, paths))).map((p) => `re-run: ${p}`));
      const difference = await tableDifference(db, t);
      if (difference) problems.push(`after the re-run the table is not the serial-order result: ${difference}`);
      problems.push(...(await tracesLeft(db, paths)));
      if (initial !== null) problems.push(...(await undoneToInitial(db, target.dsn, env, t.target, initial)));
    } catch (error) {
      problems.push(`a check could not run: ${error instanceof Error ? error.message : String(error)}`);
    }
    // A failing scenario's tables stay, to be looked at.
    if (problems.length === 0) await dropTables(db, t);
    return problems.map((p) => `[${what}; faulted run exited ${first.code ?? first.signal}: ${tail(first.stderr)}] ${p}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function reportDir(): string {
  return process.env.KEYLOAD_FAULT_REPORT_DIR ?? join(tmpdir(), 'keyload-faults');
}

/** Registers the suite's test: every drawn scenario runs; failures are listed with the seed to replay them. */
export function faultSuite(options: FaultSuiteOptions): void {
  const seed = Number(process.env.KEYLOAD_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
  const runs = Number(process.env.KEYLOAD_FAULT_RUNS ?? options.runs);
  const only = process.env.KEYLOAD_FAULT_CASES?.split(',').map(Number);
  const stats: Stats = { kind: options.kind, seed, scenarios: 0, planned: {}, landed: {}, modes: {}, failures: [] };

  afterAll(async () => {
    await options.close();
    await mkdir(reportDir(), { recursive: true });
    await writeFile(join(reportDir(), `${options.kind}.json`), `${JSON.stringify(stats, null, 2)}\n`);
    console.log(`${options.kind}: seed ${seed}, ${stats.scenarios} scenarios, landed ${JSON.stringify(stats.landed)}, ${stats.failures.length} failed`);
  });

  test(`${options.kind}: after ${runs} randomized injections, each plain re-run leaves the serial-order table and no trace (seed ${seed})`, { timeout: 900_000 }, async () => {
    const target = await options.target();
    const scenarios = fc.sample(scenarioArb(options.size, options.stages), { seed, numRuns: runs });
    for (const [index, s] of scenarios.entries()) {
      if (only && !only.includes(index)) continue;
      stats.scenarios++;
      stats.planned[s.stage] = (stats.planned[s.stage] ?? 0) + 1;
      stats.modes[`${s.mode}/${s.policy}`] = (stats.modes[`${s.mode}/${s.policy}`] ?? 0) + 1;
      const problems = await runScenario(s, target, stats);
      for (const problem of problems) stats.failures.push(`case ${index} ${JSON.stringify(s)}: ${problem}`);
    }
    const replay = `replay: KEYLOAD_FAULT_SEED=${seed} KEYLOAD_FAULT_CASES=<case>`;
    expect(stats.failures, `${options.kind}, seed ${seed} (${replay})`).toEqual([]);
  });
}
