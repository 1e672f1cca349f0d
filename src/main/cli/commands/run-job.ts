// `keyload run job.yaml`: a multi-table load (see docs/jobs.md). Each table's run writes its own
// report (runs/job-<id>/<table>/report.json) and goes into the history, as a `keyload load` does.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { ErrorCodes, KeyloadError, formatError } from '../../../shared/errors.ts';
import { RunCollector } from '../../../shared/report/run-collector.ts';
import { runStatus } from '../../../shared/run-status.ts';
import { REPORT_FILE, writeRunReport } from '../../report/run-report.ts';
import { RecordedRun } from '../cli-history.ts';
import { closeReaderPool, readJobFile, runJob } from '../../engine/index.ts';
import { userDataDir } from '../../local-db/user-data-dir.ts';
import { ProgressView } from '../progress-view.ts';
import { onStopSignal } from '../stop-signals.ts';
import { summaryTable } from '../summary.ts';
import { resolveConnection } from './load.ts';

export const runUsage = `Usage: keyload run [--dsn URL] [--json] <job.yaml | job.json>

Loads several tables as one job: parents before children (from the foreign keys), independent
tables in parallel, dependents of a failed table not attempted. See docs/jobs.md for the format.`;

export async function runJobCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { dsn: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (error) {
    throw new KeyloadError(ErrorCodes.usage, (error as Error).message);
  }
  const [jobPath, ...extra] = parsed.positionals;
  if (!jobPath || extra.length > 0) throw new KeyloadError(ErrorCodes.usage, 'keyload run takes exactly one job file', { hint: runUsage });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const job = await readJobFile(jobPath);
  const { display, ...connection } = await resolveConnection(parsed.values.dsn, log);
  const collectors = new Map<string, RunCollector>();
  const collector = (table: string): RunCollector => {
    let found = collectors.get(table);
    if (!found) collectors.set(table, (found = new RunCollector()));
    return found;
  };
  const jobDir = join(userDataDir(), 'runs', `job-${randomUUID()}`);
  const view = new ProgressView({ write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY, columns: process.stderr.columns });
  const cancel = new AbortController();
  const stopListening = onStopSignal((signal) => {
    log(`${signal === 'SIGTERM' ? 'SIGTERM received. ' : ''}Cancelling the job: finishing the current statements and rolling back...`);
    cancel.abort();
  });
  try {
    const result = await runJob(connection, job, {
      reportDir: (table) => join(jobDir, table),
      signal: cancel.signal,
      onEvent: (table, event) => {
        view.handle(event);
        collector(table).onEvent(event);
      },
    });
    for (const [index, table] of result.tables.entries()) {
      if (!table.result) continue;
      const reportDir = join(jobDir, table.table);
      const runCollector = collector(table.table);
      await writeRunReport({ source: 'cli', connection: display, result: table.result, collector: runCollector, reportDir });
      log(`report of ${table.table}: ${join(reportDir, REPORT_FILE)}`);
      const options = job.tables[index];
      if (!options || table.result.dryRun) continue;
      // The job's runs enter the history once they are over: they ran in this process, which is alive.
      const recorded = new RecordedRun(log);
      const files = table.result.files.map((f) => f.path);
      recorded.start({ runId: table.result.runId, connectionId: 'cli', connectionName: display, table: options.table, mode: table.result.mode, files, options: { ...options, files }, reportDir, startedAt: new Date(runCollector.run.startedAtMs).toISOString() });
      recorded.finish(table.result.runId, { status: runStatus(table.result), result: table.result, error: null, finishedAt: new Date().toISOString() });
    }
    for (const table of result.tables) {
      log(`\n${table.table}: ${table.status}`);
      if (table.result) log(summaryTable(table.result));
    }
    if (result.errors.length > 0) {
      log(`\n${result.errors.length} error(s):`);
      for (const error of result.errors) log(`  ${error.table}: ${formatError(error)}`);
    }
    await mkdir(jobDir, { recursive: true });
    await writeFile(join(jobDir, 'job.json'), `${JSON.stringify(result, null, 2)}\n`);
    log(`job result: ${join(jobDir, 'job.json')}`);
    if (parsed.values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return result.exitCode;
  } finally {
    stopListening();
    await closeReaderPool();
  }
}
