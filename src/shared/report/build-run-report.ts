// Assembles a RunReport from the run's settings, its LoadResult and what the collector saw.
import type { ErrorInfo } from '../errors.ts';
import type { LoadResult } from '../load-types.ts';
import { REPORT_SCHEMA_VERSION, type ReportRejects, type ReportSettings, type RunReport } from '../report-types.ts';
import type { CollectedRun } from './run-collector.ts';

export interface RunReportInput {
  source: RunReport['source'];
  settings: ReportSettings;
  result: LoadResult;
  collected: CollectedRun;
  /** File path -> size in bytes. */
  sizes: ReadonlyMap<string, number>;
  /** File path -> retries the engine made. */
  retries?: ReadonlyMap<string, number>;
  rejects?: ReportRejects[];
  finishedAtMs: number;
}

export function buildRunReport(input: RunReportInput): RunReport {
  const { result, collected } = input;
  const errors: ErrorInfo[] = result.files.flatMap((file) => (file.error ? [file.error] : []));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    runId: result.runId,
    source: input.source,
    startedAt: new Date(collected.startedAtMs).toISOString(),
    finishedAt: new Date(input.finishedAtMs).toISOString(),
    seconds: result.seconds,
    exitCode: result.exitCode,
    createdTable: result.createdTable,
    settings: input.settings,
    totals: result.totals,
    files: result.files.map((file) => {
      const sizeBytes = input.sizes.get(file.path) ?? 0;
      const seconds = file.seconds;
      return {
        path: file.path,
        format: file.format ?? null,
        sizeBytes,
        counts: file.counts,
        retries: input.retries?.get(file.path) ?? 0,
        seconds,
        megabytesPerSecond: seconds > 0 ? sizeBytes / 1e6 / seconds : 0,
        rowsPerSecond: seconds > 0 ? file.counts.read / seconds : 0,
        outcome: file.status,
        skipReason: file.skipReason ?? null,
        error: file.error ?? null,
        stages: collected.stages.get(file.path) ?? [],
      };
    }),
    throughput: collected.throughput,
    pool: collected.pool,
    notices: collected.notices,
    errors,
    rejects: input.rejects ?? [],
  };
}
