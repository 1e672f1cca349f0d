// `keyload history`: the runs of the app and the CLI, newest first, from the shared history database.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { RunSummary } from '../../../shared/ipc/contract.ts';
import { openHistory } from '../cli-history.ts';
import { formatCount, formatSeconds } from '../format.ts';
import { parseCommand } from '../parse-command.ts';

export const historyUsage = `Usage: keyload history [--limit N] [--search TEXT] [--json]

Lists the loads run from the app and from the command line, newest first.
  --limit N        how many runs (default 20)
  --search TEXT    only runs whose table, connection, file path or status contains TEXT
  --json           print the runs as JSON on stdout
Show one run's report with keyload report <run id|last>.`;

function rowsWritten(run: RunSummary): string {
  if (!run.totals) return '';
  return `+${formatCount(run.totals.inserted)} ~${formatCount(run.totals.updated)}${run.totals.rejected ? ` !${formatCount(run.totals.rejected)}` : ''}`;
}

/** A fixed-width table: started, status, source, table, mode, files, rows (+inserted ~updated !rejected), time, run id. */
export function historyTable(runs: readonly RunSummary[]): string {
  if (runs.length === 0) return 'No runs yet.';
  const header = ['started (UTC)', 'status', 'from', 'table', 'mode', 'files', 'rows', 'time', 'run id'];
  const rows = runs.map((run) => [
    run.startedAt.slice(0, 19).replace('T', ' '),
    run.status,
    run.source,
    run.table,
    run.mode,
    String(run.files),
    rowsWritten(run),
    run.seconds === null ? '' : formatSeconds(run.seconds),
    run.runId,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

export async function historyCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand('history', {
    args: argv,
    options: { limit: { type: 'string', default: '20' }, search: { type: 'string' }, json: { type: 'boolean' } },
  });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new KeyloadError(ErrorCodes.usage, `--limit ${values.limit}: give a whole number of runs, 1 or more`);
  const runs = openHistory((line) => process.stderr.write(`${line}\n`)).list({ search: values.search, limit, offset: 0 });
  if (values.json) process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
  else process.stdout.write(`${historyTable(runs)}\n`);
  return 0;
}
