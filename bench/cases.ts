// The benchmark cases from the issue and how one is run: each repetition resets the table (outside
// the timing), checkpoints so no earlier run's dirty pages are flushed inside this one, then times
// the baseline and the subject as child processes and fingerprints the table each left behind.
import type { RowCounts } from '../src/shared/load-types.ts';
import { CREATE_TABLE, TABLE, hasPgloader, keyload, pgloader, psqlAppend, psqlUpsert, type BenchPaths, type Tool } from './commands.ts';
import { measure, type Run } from './measure.ts';
import type { BenchServer } from './server.ts';

export const CASE_IDS = ['append', 'upsert', 'upsert-parquet', 'pgloader', '1gb'] as const;
export type CaseId = (typeof CASE_IDS)[number];

export const REPETITIONS = 3;

export interface DataFile {
  path: string;
  rows: number;
  bytes: number;
}

export type DataName = 'base' | 'upsert' | 'upsert-parquet' | 'big';

/** The bench's data files, generated on first use. */
export interface DataSet {
  file(name: DataName): Promise<DataFile>;
}

/** 'ratio': time(subject) / time(baseline) at most `max`; 'rss': subject's peak RSS at most `maxMb`. */
export type Target = { kind: 'ratio'; max: number } | { kind: 'rss'; maxMb: number };

export interface CaseSpec {
  id: CaseId;
  title: string;
  /** What the table holds before each run (null: empty). */
  start: DataFile | null;
  /** What the subject loads; the baseline loads `baselineFile`, the same rows as CSV. */
  file: DataFile;
  baselineFile: DataFile;
  /** Null: measured for comparison only. */
  target: Target | null;
  baseline: Tool;
  subject: Tool;
}

/** Seconds spent in each of Keyload's stages, from the arrival times of its progress lines. */
export interface StageSplit {
  /** Process start, planning (file hash, introspection) until staging starts. */
  plan: number;
  /** Parsing and COPY; for keyed modes also dedup into the winners table. */
  staging: number;
  merging: number | null;
  /** After the last stage: report file, pool shutdown, process exit. */
  exit: number;
}

export interface TimedRun {
  seconds: number;
  peakRssMb: number | null;
  stages: StageSplit | null;
  counts: RowCounts | null;
  fingerprint: string;
}

export interface CaseResult {
  spec: CaseSpec;
  baseline: TimedRun[];
  subject: TimedRun[];
}

/** The case, or why it is skipped here. */
export async function buildCase(id: CaseId, paths: BenchPaths, data: DataSet): Promise<CaseSpec | string> {
  switch (id) {
    case 'append': {
      const file = await data.file('base');
      const baseline = psqlAppend(paths, file.path);
      return { id, title: 'append into an empty keyed table', start: null, file, baselineFile: file, target: { kind: 'ratio', max: 1.25 }, baseline, subject: keyload(paths, file.path, 'append') };
    }
    case 'upsert': {
      const [start, file] = [await data.file('base'), await data.file('upsert')];
      const baseline = await psqlUpsert(paths, file.path);
      return { id, title: 'upsert, 50% overlap, CSV', start, file, baselineFile: file, target: { kind: 'ratio', max: 1.2 }, baseline, subject: keyload(paths, file.path, 'upsert') };
    }
    case 'upsert-parquet': {
      const [start, csv, file] = [await data.file('base'), await data.file('upsert'), await data.file('upsert-parquet')];
      const baseline = await psqlUpsert(paths, csv.path);
      return { id, title: 'upsert, 50% overlap, Parquet', start, file, baselineFile: csv, target: { kind: 'ratio', max: 1.5 }, baseline, subject: keyload(paths, file.path, 'upsert') };
    }
    case 'pgloader': {
      if (!hasPgloader) return 'pgloader is not installed (apt-get install -y pgloader)';
      const file = await data.file('base');
      return { id, title: 'pgloader append, for comparison', start: null, file, baselineFile: file, target: null, baseline: psqlAppend(paths, file.path), subject: await pgloader(paths, file.path) };
    }
    case '1gb': {
      const file = await data.file('big');
      const baseline = psqlAppend(paths, file.path);
      return { id, title: 'append a ~1 GB CSV: peak memory', start: null, file, baselineFile: file, target: { kind: 'rss', maxMb: 300 }, baseline, subject: keyload(paths, file.path, 'append') };
    }
  }
}

async function resetTable(server: BenchServer, paths: BenchPaths, start: DataFile | null): Promise<void> {
  await server.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await server.query(CREATE_TABLE);
  // Keyload skips (or resumes) files its manifest knows; every run must be a first load.
  await server.query('DROP SCHEMA IF EXISTS keyload CASCADE');
  if (start) {
    const load = psqlAppend(paths, start.path);
    await measure(load.argv, load.env);
    // Set hint bits and statistics now, so neither tool pays for them, and autovacuum stays away.
    await server.query(`VACUUM ANALYZE ${TABLE}`);
  }
  await server.query('CHECKPOINT');
}

const STAGES = new Set(['reading', 'staging', 'merging', 'done']);

function stageSplit(run: Run): StageSplit | null {
  const at = new Map<string, number>();
  for (const { at: seconds, line } of run.stderr) {
    const stage = line.split(' ')[0] ?? '';
    if (STAGES.has(stage) && !at.has(stage)) at.set(stage, seconds);
  }
  const staging = at.get('staging');
  const done = at.get('done');
  if (staging === undefined || done === undefined) return null;
  const merging = at.get('merging');
  return { plan: staging, staging: (merging ?? done) - staging, merging: merging === undefined ? null : done - merging, exit: run.seconds - done };
}

function keyloadCounts(run: Run): RowCounts | null {
  try {
    return (JSON.parse(run.stdout) as { totals: RowCounts }).totals;
  } catch {
    return null;
  }
}

/** Row count plus order-independent sums over every column: equal fingerprints, equal tables. */
async function fingerprint(server: BenchServer): Promise<string> {
  const rows = await server.query<{ f: string }>(`SELECT count(*) || ' rows, amount sum ' || coalesce(sum(amount), 0)
      || ', row hash sum ' || coalesce(sum(hashtext(concat_ws('|', id, name, city, created_at))::bigint), 0) AS f FROM ${TABLE}`);
  return rows[0]?.f ?? '';
}

async function timedRun(server: BenchServer, paths: BenchPaths, spec: CaseSpec, tool: Tool): Promise<TimedRun> {
  await resetTable(server, paths, spec.start);
  const run = await measure(tool.argv, tool.env);
  const isKeyload = tool.name === 'keyload';
  return {
    seconds: run.seconds,
    peakRssMb: run.peakRssMb,
    stages: isKeyload ? stageSplit(run) : null,
    counts: isKeyload ? keyloadCounts(run) : null,
    fingerprint: await fingerprint(server),
  };
}

export async function runCase(server: BenchServer, paths: BenchPaths, spec: CaseSpec, log: (line: string) => void): Promise<CaseResult> {
  const result: CaseResult = { spec, baseline: [], subject: [] };
  for (let rep = 1; rep <= REPETITIONS; rep++) {
    for (const [tool, runs] of [[spec.baseline, result.baseline], [spec.subject, result.subject]] as const) {
      const run = await timedRun(server, paths, spec, tool);
      runs.push(run);
      log(`[${spec.id}] ${rep}/${REPETITIONS} ${tool.name}: ${run.seconds.toFixed(2)} s${run.peakRssMb === null ? '' : `, peak RSS ${run.peakRssMb.toFixed(0)} MB`}`);
    }
  }
  return result;
}
