// The run report: everything one run did, in one versioned document, written as
// runs/<run id>/report.json by the CLI and the app and rendered to HTML/CSV/Markdown by
// src/shared/report/render.ts. The zod schema is the definition: the types are inferred from it,
// docs/report.schema.json is generated from it (src/main/report/report-schema.test.ts), and a
// report read back from disk is validated by it. It holds every field of the LoadResult, with the
// same meaning, so the CLI's --json output is a subset of it. Bump REPORT_SCHEMA_VERSION on any
// change that is not a pure addition of optional fields.
import { z } from 'zod';
import { writeModeSchema } from './vocabulary.ts';

export const REPORT_SCHEMA_VERSION = 1;

export const REPORT_FORMATS = ['html', 'json', 'csv', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const count = z.number().int().nonnegative();
const ms = z.number().nonnegative().describe('milliseconds since the run started');

const rowCountsSchema = z.object({
  read: count,
  inserted: count,
  updated: count,
  unchanged: count,
  collapsed: count.describe('rows that lost to a later row of the same file with the same key (duplicates)'),
  superseded: count.describe("keys whose winning row came from another file of the run"),
  rejected: count,
});

const errorInfoSchema = z.object({
  code: z.string().describe('KEYLOAD_* or a PostgreSQL SQLSTATE'),
  message: z.string(),
  hint: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.string().optional(),
});

const poolSampleSchema = z.object({ atMs: ms, total: count, idle: count, waiting: count });

const poolMetricsSchema = z.object({
  size: count,
  peakTotal: count,
  peakWaiting: count,
  averageTotal: z.number().nonnegative(),
  averageIdle: z.number().nonnegative(),
  averageWaiting: z.number().nonnegative(),
  series: z.array(poolSampleSchema).describe('pool usage over time, at most a few hundred samples'),
});

export const stageSpanSchema = z.object({ stage: z.enum(['reading', 'staging', 'merging']), startMs: ms, endMs: ms });
export type StageSpan = z.infer<typeof stageSpanSchema>;

export const throughputSampleSchema = z.object({ atMs: ms, rowsPerSecond: z.number().nonnegative(), bytesPerSecond: z.number().nonnegative() });
export type ThroughputSample = z.infer<typeof throughputSampleSchema>;

const reportFileSchema = z.object({
  // The LoadResult's FileResult:
  path: z.string(),
  sha256: z.string().nullable(),
  format: z.string().optional().describe('how the file was read, as detected or overridden'),
  status: z.enum(['loaded', 'partly-loaded', 'failed', 'skipped', 'cancelled', 'planned']),
  committedRows: count.optional().describe('rows already committed when the file ended partly loaded'),
  skipReason: z.string().optional(),
  counts: rowCountsSchema,
  error: errorInfoSchema.optional(),
  rejectsFile: z.string().optional(),
  seconds: z.number().nonnegative(),
  // The report's own:
  sizeBytes: count,
  retries: count.describe('transient failures (a lost connection, a deadlock) the engine retried for this file'),
  megabytesPerSecond: z.number().nonnegative(),
  rowsPerSecond: z.number().nonnegative(),
  stages: z.array(stageSpanSchema).describe('when the file entered and left each stage'),
});
export type ReportFile = z.infer<typeof reportFileSchema>;

export const reportSettingsSchema = z.object({
  connection: z.string().describe('user@host:port/database: never a password'),
  key: z.array(z.string()),
  conflictPolicy: z.string(),
  order: z.string(),
});
export type ReportSettings = z.infer<typeof reportSettingsSchema>;

export const reportRejectsSchema = z.object({
  file: z.string(),
  rejectsFile: z.string(),
  count,
  firstRows: z.array(z.array(z.string())).describe('the first rows of the rejects file, its header first'),
});
export type ReportRejects = z.infer<typeof reportRejectsSchema>;

export const runReportSchema = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    // The LoadResult (what keyload load --json prints):
    runId: z.string(),
    table: z.string(),
    mode: writeModeSchema,
    dryRun: z.boolean(),
    createdTable: z.boolean(),
    files: z.array(reportFileSchema),
    totals: rowCountsSchema,
    seconds: z.number().nonnegative(),
    concurrency: count,
    internalConcurrency: count,
    pool: poolMetricsSchema.nullable(),
    exitCode: z.union([z.literal(0), z.literal(1), z.literal(3)]).describe('0 all loaded, 3 loaded with rejected rows, 1 failed'),
    // The report's own:
    source: z.enum(['cli', 'app']),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    settings: reportSettingsSchema,
    throughput: z.array(throughputSampleSchema).describe('rows and bytes read per second across all files, about one sample a second, at most 300'),
    notices: z.array(z.string()),
    errors: z.array(errorInfoSchema),
    rejects: z.array(reportRejectsSchema),
  })
  .meta({ title: 'Keyload run report', description: 'One run of keyload load or of the desktop app: settings, per-file outcome, timings and errors.' });
export type RunReport = z.infer<typeof runReportSchema>;
