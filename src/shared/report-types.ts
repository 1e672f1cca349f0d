// The run report: everything one run did, in one versioned document. Written as runs/<run id>/report.json
// by the CLI and the app, rendered to HTML/CSV/Markdown by src/shared/report/render.ts. Bump
// REPORT_SCHEMA_VERSION on any change that is not a pure addition of optional fields.
import type { ErrorInfo } from './errors.ts';
import type { FileResult, PoolSample, RowCounts, WriteMode } from './load-types.ts';

export const REPORT_SCHEMA_VERSION = 1;

export type ReportFormat = 'html' | 'json' | 'csv' | 'md';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'json', 'csv', 'md'];

export interface ReportSettings {
  /** user@host:port/database: never a password. */
  connection: string;
  table: string;
  key: string[];
  mode: WriteMode;
  conflictPolicy: string;
  order: string;
  concurrency: number;
  dryRun: boolean;
}

/** When a file entered and left each stage, in ms since the run started. */
export interface StageSpan {
  stage: 'reading' | 'staging' | 'merging';
  startMs: number;
  endMs: number;
}

export interface ReportFile {
  path: string;
  format: string | null;
  sizeBytes: number;
  counts: RowCounts;
  retries: number;
  seconds: number;
  megabytesPerSecond: number;
  rowsPerSecond: number;
  outcome: FileResult['status'];
  skipReason: string | null;
  error: ErrorInfo | null;
  stages: StageSpan[];
}

export interface ThroughputSample {
  atMs: number;
  rowsPerSecond: number;
  bytesPerSecond: number;
}

export interface ReportRejects {
  file: string;
  rejectsFile: string;
  count: number;
  /** The first rows of the rejects file, header included. */
  firstRows: string[][];
}

export interface RunReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  runId: string;
  source: 'cli' | 'app';
  startedAt: string;
  finishedAt: string;
  seconds: number;
  exitCode: 0 | 1 | 3;
  createdTable: boolean;
  settings: ReportSettings;
  totals: RowCounts;
  files: ReportFile[];
  throughput: ThroughputSample[];
  pool: PoolSample[];
  notices: string[];
  errors: ErrorInfo[];
  rejects: ReportRejects[];
}
