// The engine's public vocabulary: options in, events out, result at the end. Environment-neutral so
// the CLI, worker threads, Electron IPC and the renderer all share it.
import type { ErrorInfo } from './errors.ts';
import type { LockWait } from './lock-wait.ts';
import type { ConflictPolicy, FileOrder, WriteMode } from './vocabulary.ts';

export type { ConflictPolicy, FileOrder, OnError, WriteMode } from './vocabulary.ts';

export type FileStage = 'queued' | 'reading' | 'staging' | 'merging' | 'done' | 'partly-loaded' | 'failed' | 'skipped' | 'cancelled';

/** Row counts, all computed in SQL except `read` and `rejected`. */
export interface RowCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows that lost to another row of the same file with the same key (duplicates collapsed). */
  collapsed: number;
  /** Keys whose winning row came from another file of the run: this file's row was not written. */
  superseded: number;
  rejected: number;
}

export interface FileProgress {
  path: string;
  stage: FileStage;
  bytesRead: number;
  totalBytes: number;
  counts: RowCounts;
  /** Rows per second over the file's run time so far. */
  rowsPerSecond: number;
  /** Seconds left, estimated from bytes while reading and from merged rows while merging; null when unknown. */
  etaSeconds: number | null;
  /** Rows of this file in staging, and how many of them the merge units have applied so far. */
  stagedRows: number;
  mergedRows: number;
}

export type LoadEvent =
  | { type: 'run-started'; runId: string; files: string[]; table: string; settings: RunSettings }
  | { type: 'file-progress'; file: FileProgress }
  /** `retryOf`: the notice announces a retry of this subject (a file's path, or a step of the run). */
  | { type: 'notice'; message: string; retryOf?: string }
  | { type: 'pool'; sample: PoolSample }
  /** The run's statements that have waited over a second for another session's lock; empty once none does. */
  | { type: 'lock-wait'; waits: LockWait[] }
  | { type: 'run-finished'; result: LoadResult };

/** How the run decides between rows, as planned: what its report shows beside the table and mode. */
export interface RunSettings {
  /** Empty for append and replace, which take every row as it is. */
  key: string[];
  conflictPolicy: ConflictPolicy;
  order: FileOrder;
}

export interface FileResult {
  path: string;
  sha256: string | null;
  /** How the file was read, as detected or overridden: "CSV, comma-separated, windows-1252, header row, LF". */
  format?: string;
  /**
   * 'planned': a dry run validated the file and would load it. 'partly-loaded': it failed after some
   * of its rows were committed (`committedRows`); a re-run resumes it. 'cancelled': the user stopped it.
   */
  status: 'loaded' | 'partly-loaded' | 'failed' | 'skipped' | 'cancelled' | 'planned';
  /** Rows already committed to the table when a file ended partly loaded. */
  committedRows?: number;
  /** Why a file was skipped, e.g. "already loaded". */
  skipReason?: string;
  counts: RowCounts;
  error?: ErrorInfo;
  rejectsFile?: string;
  seconds: number;
}

export interface PoolSample {
  atMs: number;
  total: number;
  idle: number;
  waiting: number;
}

/** Connection pool usage over the run. */
export interface PoolMetrics {
  size: number;
  peakTotal: number;
  peakWaiting: number;
  averageTotal: number;
  averageIdle: number;
  averageWaiting: number;
  /** Samples over time, at most a few hundred. */
  series: PoolSample[];
}

export interface LoadResult {
  runId: string;
  table: string;
  mode: WriteMode;
  dryRun: boolean;
  /** This run created the table (it did not exist before). */
  createdTable: boolean;
  files: FileResult[];
  totals: RowCounts;
  seconds: number;
  /** The concurrency actually used (the server's free connections may have lowered it). */
  concurrency: number;
  internalConcurrency: number;
  pool: PoolMetrics | null;
  /** 0 all loaded, 3 completed with rejected rows, 1 failed. */
  exitCode: 0 | 1 | 3;
}

export function emptyCounts(): RowCounts {
  return { read: 0, inserted: 0, updated: 0, unchanged: 0, collapsed: 0, superseded: 0, rejected: 0 };
}

/** A file waiting for its turn; `totalBytes` 0 while its size is not known yet. */
export function queuedProgress(path: string, totalBytes = 0): FileProgress {
  return { path, stage: 'queued', bytesRead: 0, totalBytes, counts: emptyCounts(), rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0 };
}

export function addCounts(into: RowCounts, more: RowCounts): RowCounts {
  for (const key of Object.keys(into) as (keyof RowCounts)[]) into[key] += more[key];
  return into;
}

export interface JobTableResult {
  table: string;
  /** 'not attempted': a table it references failed. */
  status: 'loaded' | 'failed' | 'not attempted';
  result: LoadResult | null;
  /** Why the table failed as a whole (its files' own errors are in `result`). */
  error: ErrorInfo | null;
}

export interface JobResult {
  tables: JobTableResult[];
  /** Every error of the job: the table, and the file when there is one. */
  errors: (ErrorInfo & { table: string })[];
  seconds: number;
  exitCode: 0 | 1 | 3;
}
