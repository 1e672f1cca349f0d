// `keyload load`: plan, run with live progress, write the run's report, print the summary.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadOptionsInput } from '../../../shared/load-options.ts';
import type { LoadResult } from '../../../shared/load-types.ts';
import { buildRunReport } from '../../../shared/report/build-run-report.ts';
import { RunCollector } from '../../../shared/report/run-collector.ts';
import { closeReaderPool, planLoad, runLoad, type ConnectionConfig, type LoadPlan } from '../../engine/index.ts';
import { ensureLocalDb } from '../../local-db/local-db.ts';
import { userDataDir } from '../../local-db/user-data-dir.ts';
import { chooseConnection, localDatabaseChoice } from '../connection.ts';
import { parseLoadArgs } from '../load-args.ts';
import { ProgressView } from '../progress-view.ts';
import { writeReports } from '../../report/write-reports.ts';
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

/** The run's settings as its report shows them. */
function reportSettings(plan: LoadPlan, display: string) {
  const { options } = plan;
  return {
    connection: display,
    table: `${plan.table.schema}.${plan.table.name}`,
    key: plan.key ?? [],
    mode: options.mode,
    conflictPolicy: options.conflictPolicy,
    order: options.order,
    concurrency: plan.budget.concurrency,
    dryRun: options.dryRun,
  };
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
    const result = await runLoad(plan, { reportDir, signal: cancel.signal, onEvent });
    if (request.reports?.length) {
      const sizes = new Map(plan.files.map((file) => [file.path, file.info?.totalBytes ?? 0]));
      const runReport = buildRunReport({ source: 'cli', settings: reportSettings(plan, display), result, collected: collector.run, sizes, finishedAtMs: Date.now() });
      await writeReports(runReport, request.reports);
      for (const path of request.reports) log(`report: ${path}`);
    }
    const report = join(reportDir, 'report.json');
    await writeFile(report, `${JSON.stringify(result, null, 2)}\n`);
    log(summaryTable(result));
    log(`report: ${report}`);
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
