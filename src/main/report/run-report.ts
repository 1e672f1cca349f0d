// Every run's JSON report, runs/<run id>/report.json, for the CLI and the app alike: built from the
// run's result and events when it ends, read back (and validated) for `keyload report` and History.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import type { LoadResult } from '../../shared/load-types.ts';
import { runReportSchema, type ReportRejects, type RunReport } from '../../shared/report-types.ts';
import { buildRunReport } from '../../shared/report/build-run-report.ts';
import type { RunCollector } from '../../shared/report/run-collector.ts';
import { readRejectsFile } from '../engine/index.ts';

export const REPORT_FILE = 'report.json';
/** Rejected rows a report quotes per file: enough to see what went wrong, the rest is in the file. */
const QUOTED_REJECTS = 10;

export interface FinishedRun {
  source: RunReport['source'];
  connection: string;
  result: LoadResult;
  collector: RunCollector;
  /** The run's own directory, runs/<run id>. */
  reportDir: string;
}

/** Builds the run's report and writes it as reportDir/report.json. */
export async function writeRunReport(run: FinishedRun): Promise<RunReport> {
  const report = buildRunReport({
    source: run.source,
    connection: run.connection,
    result: run.result,
    collected: run.collector.run,
    rejects: await quotedRejects(run.result),
    finishedAtMs: Date.now(),
  });
  await mkdir(run.reportDir, { recursive: true });
  await writeFile(join(run.reportDir, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** The report a run wrote into its directory, checked against the schema. */
export async function readRunReport(reportDir: string, runId: string): Promise<RunReport> {
  const path = join(reportDir, REPORT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new KeyloadError(ErrorCodes.fileNotFound, `Run ${runId} has no report: ${path} is missing (runs before reports were kept, or one that failed before it started)`, { file: path });
  }
  const parsed = runReportSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new KeyloadError(ErrorCodes.fileCorrupt, `${path} is not a Keyload run report: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { file: path });
  return parsed.data;
}

async function quotedRejects(result: LoadResult): Promise<ReportRejects[]> {
  const quoted: ReportRejects[] = [];
  for (const file of result.files) {
    if (!file.rejectsFile) continue;
    // A rejects file that cannot be read back still counts; the report says where it should be.
    const page = await readRejectsFile(file.rejectsFile, QUOTED_REJECTS).catch(() => null);
    const firstRows = page ? [page.columns, ...page.rows.map((row) => row.map((value) => value ?? ''))] : [];
    quoted.push({ file: file.path, rejectsFile: file.rejectsFile, count: page?.total ?? file.counts.rejected, firstRows });
  }
  return quoted;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // the schema check names the problem
  }
}
