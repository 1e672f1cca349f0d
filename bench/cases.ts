// The benchmark cases from the issues and how one is run: each repetition resets the table (outside
// the timing), checkpoints so no earlier run's dirty pages are flushed inside this one, then times
// the baseline and every subject as child processes and fingerprints the table each left behind.
import type { RowCounts } from '../src/shared/load-types.ts';
import { CREATE_TABLE, TABLE, hasPgloader, keyload, pgloader, psqlAppend, psqlUpsert, psqlUpsertLoop, psqlUpsertStreams, type BenchPaths, type FileList, type Tool } from './commands.ts';
import { UPSERT_10M_FACTOR } from './data.ts';
import { measure, type Run } from './measure.ts';
import type { BenchServer } from './server.ts';

export const CASE_IDS = ['append', 'upsert', 'upsert-parquet', 'undo', 'pgloader', '1gb', 'upsert-10m', 'parallel', 'preview', 'small-files', 'mixed'] as const;
export type CaseId = (typeof CASE_IDS)[number];

export const REPETITIONS = 3;

/** Cases over ~1 GB of data, left out with --skip-1gb (alias --skip-big). */
export const BIG_CASES: readonly CaseId[] = ['1gb', 'upsert-10m'];

/** One data file, or a set of files loaded together in this order. */
export interface DataFile extends FileList {
  /** How the report names it: the file name, or "8 files p0.csv .. p7.csv". */
  label: string;
  /** Rows over all the files. */
  rows: number;
  bytes: number;
}

export type DataName =
  | 'base'
  | 'upsert'
  | 'upsert-parquet'
  | 'big'
  | 'base-10m'
  | 'upsert-10m'
  | 'parallel'
  | 'parallel-parquet'
  | 'preview-big'
  | 'small-files'
  | 'mixed-csv'
  | 'mixed';

/** The bench's data files, generated on first use. */
export interface DataSet {
  file(name: DataName): Promise<DataFile>;
}

/** Data too big to keep: removed right after the case that uses it. */
export const TEMPORARY_DATA: Partial<Record<CaseId, DataName[]>> = { '1gb': ['big'], 'upsert-10m': ['base-10m', 'upsert-10m'], preview: ['preview-big'] };

/**
 * 'ratio': time(subject) / time(baseline) at most `max`; 'speedup': time(baseline) / time(subject)
 * at least `min`; 'rss': subject's peak RSS at most `maxMb`.
 */
export type Target = { kind: 'ratio'; max: number } | { kind: 'speedup'; min: number } | { kind: 'rss'; maxMb: number };

export interface Subject {
  tool: Tool;
  file: DataFile;
  /** Null: measured for comparison only. */
  target: Target | null;
  /** Timed against the baseline; false: reported on its own (other data). */
  compared: boolean;
  /**
   * What the table must hold after each run: the baseline's result, exactly what the reset left
   * ('unchanged': a preview writes nothing), or anything ('unchecked': a reference whose result
   * depends on timing).
   */
  table: 'baseline' | 'unchanged' | 'unchecked';
  /** Its row counts must be the baseline's (a preview predicts the load's). */
  sameCounts: boolean;
}

export interface CaseSpec {
  id: CaseId;
  title: string;
  /** What the table holds before each run (null: empty). */
  start: DataFile | null;
  baseline: { tool: Tool; file: DataFile };
  subjects: Subject[];
  /** How the report compares times: time(subject) / time(baseline), or the speed-up baseline / subject. */
  show: 'ratio' | 'speedup';
  /** Parts of the case left out of this run, and why. */
  omitted: string[];
  /** How the first subject's time grows against its time in a smaller case of the same run. */
  scaling?: Scaling;
}

/** median(first subject here) / median(first subject of `against`), at most `max`; `rows`: how many times the rows. */
export interface Scaling {
  against: CaseId;
  rows: number;
  max: number;
}

/**
 * Seconds spent in each of Keyload's stages, from the arrival times of its progress lines. With
 * several files, staging and merging overlap: merge workers start on a file as soon as it is staged.
 */
export interface StageSplit {
  /** Files that reached 'done'. */
  files: number;
  /** Process start, planning (file hash, introspection) until the first file starts staging. */
  plan: number;
  /** Until the first merge starts (parsing and COPY only). */
  staging: number;
  /** From the first merge until the last file's first merge (later files still staging); 0 for one file. */
  overlap: number;
  /** From the last file's first merge to the last file done (a preview: its analysis); null without merging. */
  merging: number | null;
  /** After the last file is done: report file, pool shutdown, process exit. */
  exit: number;
}

export interface TimedRun {
  seconds: number;
  peakRssMb: number | null;
  stages: StageSplit | null;
  counts: RowCounts | null;
  /** Keyload's concurrency x internal concurrency as it ran (the server may lower them). */
  concurrency: string | null;
  fingerprint: string;
  /** The table's fingerprint before the run, where the run must leave it unchanged. */
  before: string | null;
}

export interface CaseResult {
  spec: CaseSpec;
  baseline: TimedRun[];
  /** Runs per subject, in spec.subjects' order. */
  subjects: TimedRun[][];
}

export interface BuildOptions {
  /** Leave out the cases and parts that need ~1 GB of data (--skip-1gb). */
  skipBig: boolean;
}

const compared = (tool: Tool, file: DataFile, target: Target | null = null): Subject => ({ tool, file, target, compared: true, table: 'baseline', sameCounts: false });

const single = (file: DataFile) => file.paths[0] as string;

/** The case, or why it is skipped here. */
export async function buildCase(id: CaseId, paths: BenchPaths, data: DataSet, options: BuildOptions): Promise<CaseSpec | string> {
  const base = { id, omitted: [] as string[], show: 'ratio' as const };
  if (options.skipBig && BIG_CASES.includes(id)) return 'needs over 1 GB of data (--skip-1gb)';
  switch (id) {
    case 'append': {
      const file = await data.file('base');
      const baseline = { tool: psqlAppend(paths, single(file)), file };
      return { ...base, title: 'append into an empty keyed table', start: null, baseline, subjects: [compared(keyload(paths, file, { mode: 'append' }), file, { kind: 'ratio', max: 1.25 })] };
    }
    case 'upsert': {
      const [start, file] = [await data.file('base'), await data.file('upsert')];
      const baseline = { tool: await psqlUpsert(paths, single(file)), file };
      return { ...base, title: 'upsert, 50% overlap, CSV', start, baseline, subjects: [compared(keyload(paths, file), file, { kind: 'ratio', max: 1.2 })] };
    }
    case 'upsert-parquet': {
      const [start, csv, file] = [await data.file('base'), await data.file('upsert'), await data.file('upsert-parquet')];
      const baseline = { tool: await psqlUpsert(paths, single(csv)), file: csv };
      return { ...base, title: 'upsert, 50% overlap, Parquet', start, baseline, subjects: [compared(keyload(paths, file), file, { kind: 'ratio', max: 1.5 })] };
    }
    case 'undo': {
      // The cost of keeping undo state: the same upsert with --undo, against it without.
      const [start, file] = [await data.file('base'), await data.file('upsert')];
      const withUndo: Subject = { ...compared(keyload(paths, file, { flags: ['--undo'], name: 'keyload --undo' }), file, { kind: 'ratio', max: 1.15 }), sameCounts: true };
      return { ...base, title: 'upsert, 50% overlap, CSV, with --undo, against the same upsert without', start, baseline: { tool: keyload(paths, file), file }, subjects: [withUndo] };
    }
    case 'pgloader': {
      if (!hasPgloader) return 'pgloader is not installed (apt-get install -y pgloader)';
      const file = await data.file('base');
      const baseline = { tool: psqlAppend(paths, single(file)), file };
      return { ...base, title: 'pgloader append, for comparison', start: null, baseline, subjects: [compared(await pgloader(paths, single(file)), file)] };
    }
    case '1gb': {
      const file = await data.file('big');
      const baseline = { tool: psqlAppend(paths, single(file)), file };
      return { ...base, title: 'append a ~1 GB CSV: peak memory', start: null, baseline, subjects: [compared(keyload(paths, file, { mode: 'append' }), file, { kind: 'rss', maxMb: 300 })] };
    }
    case 'upsert-10m': {
      const [start, file] = [await data.file('base-10m'), await data.file('upsert-10m')];
      const baseline = { tool: await psqlUpsert(paths, single(file)), file };
      return {
        ...base,
        title: `upsert, 50% overlap, CSV, ${UPSERT_10M_FACTOR}× the upsert case's rows`,
        start,
        baseline,
        subjects: [compared(keyload(paths, file), file, { kind: 'ratio', max: 1.2 })],
        scaling: { against: 'upsert', rows: UPSERT_10M_FACTOR, max: 11 },
      };
    }
    case 'parallel': {
      const [csv, parquet] = [await data.file('parallel'), await data.file('parallel-parquet')];
      const load = (files: DataFile, concurrency: number, name: string, extra: string[] = []) =>
        keyload(paths, files, { flags: ['--concurrency', String(concurrency), ...extra], name });
      return {
        ...base,
        show: 'speedup',
        title: '8 overlapping files upserted into an empty keyed table',
        start: null,
        baseline: { tool: await psqlUpsertLoop(paths, csv), file: csv },
        subjects: [
          compared(load(csv, 4, 'keyload c4'), csv, { kind: 'speedup', min: 1.3 }),
          compared(load(parquet, 4, 'keyload c4 Parquet'), parquet),
          compared(load(csv, 1, 'keyload c1 i1 (one file at a time)', ['--disable-internal-parallelism']), csv),
          compared(load(csv, 1, 'keyload c1'), csv),
          compared(load(csv, 2, 'keyload c2'), csv),
          compared(load(csv, 8, 'keyload c8'), csv),
          { ...compared(await psqlUpsertStreams(paths, csv.paths, 2), csv), table: 'unchecked' },
        ],
      };
    }
    case 'preview': {
      const csv = await data.file('parallel');
      const flags = ['--concurrency', '4'];
      const preview = (file: DataFile, name: string) => keyload(paths, file, { command: 'preview', flags, name });
      const subjects: Subject[] = [{ tool: preview(csv, 'keyload preview c4'), file: csv, target: { kind: 'ratio', max: 1.5 }, compared: true, table: 'unchanged', sameCounts: true }];
      const omitted: string[] = [];
      if (options.skipBig) omitted.push('the 10M-row preview memory check (--skip-1gb)');
      else {
        const big = await data.file('preview-big');
        subjects.push({ tool: preview(big, 'keyload preview c4, 10 files'), file: big, target: { kind: 'rss', maxMb: 400 }, compared: false, table: 'unchanged', sameCounts: false });
      }
      return { ...base, omitted, title: 'conflict preview of the parallel files, against their load', start: null, baseline: { tool: keyload(paths, csv, { flags, name: 'keyload load c4' }), file: csv }, subjects };
    }
    case 'small-files': {
      const [start, files] = [await data.file('base'), await data.file('small-files')];
      const baseline = { tool: await psqlUpsertLoop(paths, files), file: files };
      const title = 'many small files, 30% of keys in 2+ files, upserted into a pre-filled table, vs a psql loop over the files';
      return { ...base, title, start, baseline, subjects: [compared(keyload(paths, files), files, { kind: 'ratio', max: 0.5 })] };
    }
    case 'mixed': {
      const [start, csv, files] = [await data.file('base'), await data.file('mixed-csv'), await data.file('mixed')];
      const baseline = { tool: await psqlUpsertLoop(paths, csv), file: csv };
      const title = 'files alternately CSV and Parquet, upserted into a pre-filled table, vs a psql loop over CSV versions';
      return { ...base, title, start, baseline, subjects: [compared(keyload(paths, files), files, { kind: 'rss', maxMb: 300 })] };
    }
  }
}

async function resetTable(server: BenchServer, paths: BenchPaths, start: DataFile | null): Promise<void> {
  await server.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await server.query(CREATE_TABLE);
  // Keyload skips (or resumes) files its manifest knows; every run must be a first load.
  await server.query('DROP SCHEMA IF EXISTS keyload CASCADE');
  if (start) {
    for (const path of start.paths) {
      const load = psqlAppend(paths, path);
      await measure(load.argv, load.env);
    }
    // Set hint bits and statistics now, so neither tool pays for them, and autovacuum stays away.
    await server.query(`VACUUM ANALYZE ${TABLE}`);
  }
  await server.query('CHECKPOINT');
}

const STAGES = new Set(['reading', 'staging', 'merging', 'done']);

/**
 * From Keyload's plain progress lines (`<stage> <file name> ...`, one per file and stage change):
 * when the first file started staging, the first merge started, the last file's first merge
 * started (about when it was staged) and the last file was done. With one file these are simply
 * its stages.
 */
export function stageSplit(run: Pick<Run, 'seconds' | 'stderr'>): StageSplit | null {
  const at = new Map<string, Map<string, number>>();
  for (const { at: seconds, line } of run.stderr) {
    const [stage = '', file = ''] = line.split(/\s+/);
    if (!STAGES.has(stage) || !file) continue;
    const files = at.get(stage) ?? new Map<string, number>();
    if (!files.has(file)) files.set(file, seconds);
    at.set(stage, files);
  }
  const times = (stage: string) => [...(at.get(stage)?.values() ?? [])];
  const [staging, merging, done] = [times('staging'), times('merging'), times('done')];
  if (!staging.length || !done.length) return null;
  const plan = Math.min(...staging);
  const end = Math.max(...done);
  if (!merging.length) return { files: done.length, plan, staging: end - plan, overlap: 0, merging: null, exit: run.seconds - end };
  const [first, last] = [Math.min(...merging), Math.max(...merging)];
  return { files: done.length, plan, staging: first - plan, overlap: last - first, merging: end - last, exit: run.seconds - end };
}

/** The `totals` of Keyload's --json output (a load's result or a preview), and a load's concurrency. */
function keyloadOutput(run: Run): Pick<TimedRun, 'counts' | 'concurrency'> {
  try {
    const output = JSON.parse(run.stdout) as { totals: RowCounts; concurrency?: number; internalConcurrency?: number };
    const { read, inserted, updated, unchanged, collapsed, superseded, rejected } = output.totals;
    const concurrency = output.concurrency === undefined ? null : `${output.concurrency} × ${output.internalConcurrency ?? '?'}`;
    return { counts: { read, inserted, updated, unchanged, collapsed, superseded: superseded ?? 0, rejected }, concurrency };
  } catch {
    return { counts: null, concurrency: null };
  }
}

/** Row count plus order-independent sums over every column: equal fingerprints, equal tables. */
async function fingerprint(server: BenchServer): Promise<string> {
  const rows = await server.query<{ f: string }>(`SELECT count(*) || ' rows, amount sum ' || coalesce(sum(amount), 0)
      || ', row hash sum ' || coalesce(sum(hashtext(concat_ws('|', id, name, city, created_at))::bigint), 0) AS f FROM ${TABLE}`);
  return rows[0]?.f ?? '';
}

async function timedRun(server: BenchServer, paths: BenchPaths, spec: CaseSpec, tool: Tool, unchanged: boolean): Promise<TimedRun> {
  await resetTable(server, paths, spec.start);
  const before = unchanged ? await fingerprint(server) : null;
  const run = await measure(tool.argv, tool.env);
  return {
    seconds: run.seconds,
    peakRssMb: run.peakRssMb,
    stages: tool.keyload ? stageSplit(run) : null,
    ...(tool.keyload ? keyloadOutput(run) : { counts: null, concurrency: null }),
    fingerprint: await fingerprint(server),
    before,
  };
}

export async function runCase(server: BenchServer, paths: BenchPaths, spec: CaseSpec, log: (line: string) => void): Promise<CaseResult> {
  const result: CaseResult = { spec, baseline: [], subjects: spec.subjects.map(() => []) };
  const tools = [
    { tool: spec.baseline.tool, runs: result.baseline, unchanged: false },
    ...spec.subjects.map((s, i) => ({ tool: s.tool, runs: result.subjects[i] as TimedRun[], unchanged: s.table === 'unchanged' })),
  ];
  // Repetitions outermost, so a slow spell on the shared machine hits every tool alike.
  for (let rep = 1; rep <= REPETITIONS; rep++) {
    for (const { tool, runs, unchanged } of tools) {
      const run = await timedRun(server, paths, spec, tool, unchanged);
      runs.push(run);
      log(`[${spec.id}] ${rep}/${REPETITIONS} ${tool.name}: ${run.seconds.toFixed(2)} s${run.peakRssMb === null ? '' : `, peak RSS ${run.peakRssMb.toFixed(0)} MB`}`);
    }
  }
  return result;
}
