// `keyload load`: plan, run with live progress, write the run's report, print the summary.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadOptionsInput } from '../../../shared/load-options.ts';
import type { LoadResult } from '../../../shared/load-types.ts';
import { closeReaderPool, planLoad, runLoad, type ConnectionConfig } from '../../engine/index.ts';
import { ensureLocalDb } from '../../local-db/local-db.ts';
import { userDataDir } from '../../local-db/user-data-dir.ts';
import { chooseConnection, localDatabaseChoice } from '../connection.ts';
import { parseLoadArgs } from '../load-args.ts';
import { ProgressView } from '../progress-view.ts';
import { onStopSignal } from '../stop-signals.ts';
import { summaryTable } from '../summary.ts';

export interface LoadRequest {
  options: LoadOptionsInput;
  dsn: string | undefined;
  json: boolean;
}

/** The chosen server, starting the local database when none is named. */
export async function resolveConnection(dsn: string | undefined, log: (line: string) => void): Promise<ConnectionConfig> {
  const choice = chooseConnection(dsn, process.env) ?? localDatabaseChoice(await ensureLocalDb());
  log(`Target: ${choice.display} (${choice.source})`);
  if (choice.unused.length > 0) log(`Not used from the connection string: ${choice.unused.join(', ')}`);
  return { connectionString: choice.connectionString, applicationName: 'keyload' };
}

export async function runLoadCommand(request: LoadRequest): Promise<LoadResult> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const connection = await resolveConnection(request.dsn, log);
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
    const result = await runLoad(plan, { reportDir, signal: cancel.signal, onEvent: (event) => view.handle(event) });
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
