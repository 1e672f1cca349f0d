// Assembles a RunReport from the run's LoadResult and what the collector saw of its events.
import { ErrorCodes, KeyloadError, type ErrorInfo } from '../errors.ts';
import type { LoadResult } from '../load-types.ts';
import { REPORT_SCHEMA_VERSION, type ReportRejects, type RunReport } from '../report-types.ts';
import type { CollectedRun } from './run-collector.ts';

export interface RunReportInput {
  source: RunReport['source'];
  /** How the report names the server: user@host:port/database, never a password. */
  connection: string;
  result: LoadResult;
  collected: CollectedRun;
  rejects: ReportRejects[];
  finishedAtMs: number;
}

export function buildRunReport(input: RunReportInput): RunReport {
  const { result, collected } = input;
  if (!collected.settings) throw new KeyloadError(ErrorCodes.internal, `Run ${result.runId} ended without the engine saying how it was planned`);
  const errors: ErrorInfo[] = result.files.flatMap((file) => (file.error ? [file.error] : []));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    ...result,
    files: result.files.map((file) => {
      const sizeBytes = collected.sizes.get(file.path) ?? 0;
      const { seconds } = file;
      return {
        ...file,
        sizeBytes,
        retries: collected.retries.get(file.path) ?? 0,
        megabytesPerSecond: seconds > 0 ? sizeBytes / 1e6 / seconds : 0,
        rowsPerSecond: seconds > 0 ? file.counts.read / seconds : 0,
        stages: collected.stages.get(file.path) ?? [],
      };
    }),
    source: input.source,
    startedAt: new Date(collected.startedAtMs).toISOString(),
    finishedAt: new Date(input.finishedAtMs).toISOString(),
    settings: { connection: input.connection, ...collected.settings },
    throughput: collected.throughput,
    notices: collected.notices,
    errors,
    rejects: input.rejects,
  };
}
