// `keyload load`: plan, run with live progress, record it in the history, write the run's report
// (runs/<run id>/report.json, and any --report), print the summary.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadOptionsInput } from '../../../shared/load-options.ts';
import type { LoadResult } from '../../../shared/load-types.ts';
import { RunCollector } from '../../../shared/report/run-collector.ts';
import { runStatus } from '../../../shared/run-status.ts';
import { closeReaderPool, planLoad, runLoad, toErrorInfo, type ConnectionConfig } from '../../engine/index.ts';
import { ensureLocalDb } from '../../local-db/local-db.ts';
import { userDataDir } from '../../local-db/user-data-dir.ts';
import { chooseConnection, localDatabaseChoice } from '../connection.ts';
import { parseLoadArgs } from '../load-args.ts';
import { ProgressView } from '../progress-view.ts';
import { REPORT_FILE, writeRunReport } from '../../report/run-report.ts';
import { writeReports } from '../../report/write-reports.ts';
import { RecordedRun } from '../cli-history.ts';
import { onStopSignal } from '../stop-signals.ts';
import { summaryTable } from '../summary.ts';

export interface LoadRequest {
  options: LoadOptionsInput;
  dsn: string | undefined;
  json: boolean;
  /** Extra report files, the format from each extension. */
  reports?: string[];
}

/** A server to connect to, and how to name it without its password. */
export interface ChosenConnection extends ConnectionConfig {
  display: string;
}

/** The chosen server, starting the local database when none is named. */
export async function resolveConnection(dsn: string | undefined, log: (line: string) => void): Promise<ChosenConnection> {
  const choice = chooseConnection(dsn, process.env) ?? localDatabaseChoice(await ensureLocalDb());
  log(`Target: ${choice.display} (${choice.source})`);
  if (choice.unused.length > 0) log(`Not used from the connection string: ${choice.unused.join(', ')}`);
  return { connectionString: choice.connectionString, applicationName: 'keyload', display: choice.display };
}

export async function runLoadCommand(request: LoadRequest): Promise<LoadResult> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const { display, ...connection } = await resolveConnection(request.dsn, log);
  const cancel = new AbortController();
  const stopListening = onStopSignal((signal) => {
    log(`${signal === 'SIGTERM' ? 'SIGTERM received. ' : ''}Cancelling: finishing the current statement and rolling back...`);
    cancel.abort();
  });
  try {
    const plan = await planLoad(connection, request.options, (message) => log(`note: ${message}`));
    const reportDir = join(userDataDir(), 'runs', plan.runId);
    await mkdir(reportDir, { recursive: true });
    const view = new ProgressView({ write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY, columns: process.stderr.columns });
    const collector = new RunCollector();
    const onEvent: Parameters<typeof runLoad>[1]['onEvent'] = (event) => {
      view.handle(event);
      collector.onEvent(event);
    };
    // A dry run writes nothing, so it stays out of the history (as the app's check does).
    const recorded = new RecordedRun(log);
    if (!plan.options.dryRun) {
      const files = plan.files.map((file) => file.path);
      const startedAt = new Date().toISOString();
      recorded.start({ runId: plan.runId, connectionId: 'cli', connectionName: display, table: request.options.table, mode: plan.options.mode, files, options: { ...request.options, files }, reportDir, startedAt });
    }
    const result = await runLoad(plan, { reportDir, signal: cancel.signal, onEvent }).catch((error: unknown) => {
      recorded.finish(plan.runId, { status: 'failed', result: null, error: toErrorInfo(error), finishedAt: new Date().toISOString() });
      throw error;
    });
    const report = await writeRunReport({ source: 'cli', connection: display, result, collector, reportDir });
    if (request.reports?.length) await writeReports(report, request.reports);
    recorded.finish(plan.runId, { status: runStatus(result), result, error: null, finishedAt: new Date().toISOString() });
    log(summaryTable(result));
    log(`report: ${join(reportDir, REPORT_FILE)}`);
    for (const path of request.reports ?? []) log(`report: ${path}`);
    if (request.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    stopListening();
    await closeReaderPool();
  }
}

export async function loadCommand(argv: string[]): Promise<number> {
  const result = await runLoadCommand(await parseLoadArgs(argv));
  return result.exitCode;
}
