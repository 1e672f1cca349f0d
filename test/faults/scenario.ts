// What a fault scenario loads: 3-5 CSV or Parquet files with overlapping keys and duplicates, a
// mode, a policy, the settings, and where the fault lands. fast-check draws only small numbers
// (seeds, sizes, shares); the rows come from a seeded generator, so a scenario replays from the
// fast-check seed without fast-check holding 100k rows.
import fc from 'fast-check';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';

/** Where in a run a fault is injected: one of the file's stages, or the final manifest write. */
export type FaultStage = 'reading' | 'staging' | 'merging' | 'manifest';
export type FaultMode = 'upsert' | 'append' | 'ignore';
export type FaultPolicy = 'last' | 'first' | 'version';

export interface FaultRow {
  k: number;
  a: string | null;
  n: number | null;
  v: number;
}

export interface FileSpec {
  seed: number;
  rows: number;
  /** Share of the rows whose keys come from the pool every file draws from (20-40%). */
  overlap: number;
  format: 'csv' | 'parquet';
}

export interface Scenario {
  files: FileSpec[];
  /** Rows the table holds before the run, with keys from the shared pool. */
  initialRows: number;
  initialSeed: number;
  mode: FaultMode;
  policy: FaultPolicy;
  concurrency: number;
  internalConcurrency: number;
  batchSize: number;
  stage: FaultStage;
  /** Which file's stage line triggers the fault, as an index into `files` (modulo their count). */
  fileIndex: number;
  /** Milliseconds between the trigger line and the fault. */
  delayMs: number;
  /** Backend terminations: one of Keyload's connections (an active one if any), or all of them. */
  victims: 'one' | 'all';
  /** Both runs keep undo state (--undo); after the checks, undoing them must give back the initial table. */
  undo: boolean;
}

/** Keys of the pool the files share; every other key is the file's own. */
const SHARED_KEYS = 8_000;
const OWN_KEY_BASE = 1_000_000;

export interface ScenarioSize {
  minRows: number;
  maxRows: number;
}

export function scenarioArb(size: ScenarioSize, stages: readonly FaultStage[] = ['reading', 'staging', 'merging', 'manifest']): fc.Arbitrary<Scenario> {
  const file = fc.record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    rows: fc.integer({ min: size.minRows, max: size.maxRows }),
    overlap: fc.double({ min: 0.2, max: 0.4, noNaN: true }),
    format: fc.constantFrom('csv' as const, 'parquet' as const),
  });
  return fc
    .record({
      files: fc.array(file, { minLength: 3, maxLength: 5 }),
      initialRows: fc.integer({ min: 0, max: 400 }),
      initialSeed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      mode: fc.constantFrom<FaultMode>('upsert', 'upsert', 'append', 'ignore'),
      policy: fc.constantFrom<FaultPolicy>('last', 'first', 'version'),
      concurrency: fc.integer({ min: 1, max: 4 }),
      internalConcurrency: fc.integer({ min: 1, max: 2 }),
      batchSize: fc.integer({ min: 500, max: 5000 }),
      stage: fc.constantFrom(...stages),
      fileIndex: fc.nat(4),
      delayMs: fc.integer({ min: 0, max: 150 }),
      victims: fc.constantFrom('one' as const, 'all' as const),
      undo: fc.boolean(),
    })
    // Append has no merge stage: its rows commit while staging. Reading (lanes opening, the
    // staging table created) turns into staging within milliseconds: a shorter delay for it.
    .map((s) => (s.mode === 'append' && s.stage === 'merging' ? { ...s, stage: 'staging' as const } : s))
    .map((s) => (s.stage === 'reading' ? { ...s, delayMs: s.delayMs % 20 } : s));
}

/** mulberry32: a tiny seeded generator, so the rows follow from the scenario alone. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRow(next: () => number, k: number): FaultRow {
  const int = (n: number) => Math.floor(next() * n);
  return {
    k,
    a: int(10) === 0 ? null : `x${int(36 ** 4).toString(36)}`,
    n: int(5) === 0 ? null : int(2001) - 1000,
    v: int(10),
  };
}

/** A file's rows: shared-pool keys with the file's overlap share, the rest its own (with duplicates). */
export function fileRows(spec: FileSpec, index: number): FaultRow[] {
  const next = random(spec.seed);
  const ownKeys = Math.max(1, Math.floor(spec.rows * 0.95));
  return Array.from({ length: spec.rows }, () => {
    const shared = next() < spec.overlap;
    const k = shared ? Math.floor(next() * SHARED_KEYS) : OWN_KEY_BASE * (index + 1) + Math.floor(next() * ownKeys);
    return randomRow(next, k);
  });
}

/** Rows stored before the run: distinct keys from the shared pool, so every mode meets them. */
export function initialRows(s: Scenario): FaultRow[] {
  const next = random(s.initialSeed);
  const keys = new Set<number>();
  while (keys.size < s.initialRows) keys.add(Math.floor(next() * SHARED_KEYS));
  return [...keys].map((k) => randomRow(next, k));
}

/** Writes file `index` into `dir`; values are plain tokens, so the CSV needs no quoting. */
export async function writeScenarioFile(dir: string, index: number, spec: FileSpec, rows: FaultRow[]): Promise<string> {
  const path = join(dir, `f${index}.${spec.format}`);
  if (spec.format === 'csv') {
    const cell = (value: string | number | null) => (value === null ? '' : String(value));
    const lines = rows.map((r) => `${r.k},${cell(r.a)},${cell(r.n)},${r.v}`);
    await writeFile(path, `k,a,n,v\n${lines.join('\n')}\n`);
    return path;
  }
  parquetWriteFile({
    filename: path,
    columnData: [
      { name: 'k', data: rows.map((r) => r.k), type: 'INT32', nullable: false },
      { name: 'a', data: rows.map((r) => r.a), type: 'STRING' },
      { name: 'n', data: rows.map((r) => r.n), type: 'INT32' },
      { name: 'v', data: rows.map((r) => r.v), type: 'INT32', nullable: false },
    ],
    rowGroupSize: 4096,
  });
  return path;
}

/** The `keyload load` arguments of a scenario (the same for the faulted run and the re-run). */
export function loadArguments(s: Scenario, table: string, paths: string[]): string[] {
  const policy = s.mode === 'append' ? [] : ['--conflict-policy', s.policy === 'version' ? 'version:v' : s.policy];
  return [
    '--table', table,
    '--mode', s.mode,
    ...policy,
    '--concurrency', String(s.concurrency),
    '--internal-concurrency', String(s.internalConcurrency),
    '--batch-size', String(s.batchSize),
    ...(s.undo ? ['--undo'] : []),
    '--json',
    ...paths,
  ];
}
