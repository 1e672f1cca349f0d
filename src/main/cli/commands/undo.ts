// `keyload undo`: takes a run back (docs/undo.md), or shows what it would do, or lists the runs
// that can still be undone on the server.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { UndoConflict, UndoEntry, UndoOutcome } from '../../../shared/undo-types.ts';
import { LOAD_DEFAULTS } from '../../../shared/vocabulary.ts';
import { listUndoOnServer, undoOnServer } from '../../engine/index.ts';
import { openHistory } from '../cli-history.ts';
import { formatBytes, formatCount } from '../format.ts';
import { parseCommand } from '../parse-command.ts';
import { resolveConnection } from './load.ts';

export const undoUsage = `Usage: keyload undo <run id|last> [--dsn URL] [--dry-run] [--chain] [--force] [--json]
       keyload undo --list [--dsn URL] [--json]

Takes back a run that kept undo state (keyload load --undo; the app always does): deletes the
keys it inserted and puts back the rows it updated (a replace gets its whole previous table back),
in one transaction. Its files are then no longer "already loaded". A row changed since the run is
not overwritten: the undo stops and shows both versions. Later runs that wrote the same keys are to
be undone first, newest first.
  --dsn URL               the server, as for keyload load (else DATABASE_URL, PG*, the local database)
  --manifest-schema NAME  schema of keyload_manifest and the undo state (default ${LOAD_DEFAULTS.manifestSchema})
  --dry-run               say what the undo would do; change nothing
  --chain                 first undo the later runs that wrote the same keys, newest first
  --force                 restore anyway: rows changed since the run are overwritten or deleted
  --list                  the runs on the server whose undo state is kept, newest first
  --json                  print the outcome as JSON on stdout
Exit codes: 0 undone (or a dry run that could be), 1 refused or stopped by changed rows, 2 usage error.`;

function describeRun(entry: UndoEntry): string {
  return `run ${entry.runId} into ${entry.table} (${entry.mode}, ${entry.createdAt.slice(0, 19).replace('T', ' ')} UTC)`;
}

function conflictLine(conflict: UndoConflict): string {
  const key = Object.entries(conflict.key).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(', ');
  const now = conflict.current ? `now ${JSON.stringify(conflict.current)}` : 'now deleted';
  const back = conflict.restore ? `the undo would put back ${JSON.stringify(conflict.restore)}` : 'the undo would delete it (the run inserted it)';
  return `  ${key}: ${now}; ${back}`;
}

export function undoSummary(outcome: UndoOutcome, dryRun: boolean): string {
  const run = describeRun(outcome.entry);
  if (outcome.refused) return `Cannot undo ${run}: ${outcome.refused}`;
  const lines: string[] = [];
  const n = formatCount;
  if (outcome.done) {
    lines.push(outcome.entry.mode === 'replace'
      ? `Undid ${run}: emptied the table (${n(outcome.toDelete)} rows) and put back the ${n(outcome.toRestore)} rows it held before.`
      : `Undid ${run}: deleted the ${n(outcome.toDelete)} rows it inserted and put back the ${n(outcome.toRestore)} it updated.`);
  } else {
    lines.push(outcome.entry.mode === 'replace'
      ? `Undoing ${run} empties the table (${n(outcome.toDelete)} rows) and puts back the ${n(outcome.toRestore)} rows it held before.`
      : `Undoing ${run} deletes the ${n(outcome.toDelete)} rows it inserted and puts back the ${n(outcome.toRestore)} it updated.`);
  }
  if (outcome.conflicts > 0) {
    lines.push(`${formatCount(outcome.conflicts)} rows changed since the run${outcome.done ? ' were overwritten (--force)' : ''}:`);
    lines.push(...outcome.shownConflicts.map(conflictLine));
    if (outcome.conflicts > outcome.shownConflicts.length) lines.push(`  ... and ${formatCount(outcome.conflicts - outcome.shownConflicts.length)} more`);
  }
  if (outcome.laterRuns.length > 0) {
    lines.push(`Later runs wrote some of the same keys; undo them first, newest first (--chain does): ${outcome.laterRuns.map((id) => `keyload undo ${id}`).join(', then ')}`);
  }
  if (!outcome.done && !dryRun) lines.push('Stopped: nothing was changed. --force restores anyway.');
  if (outcome.done) lines.push('Its files are no longer recorded as loaded.');
  return lines.join('\n');
}

function listTable(entries: UndoEntry[]): string {
  const kept = entries.filter((e) => e.status !== 'undone');
  if (kept.length === 0) return 'No run on this server can be undone.';
  return kept.map((e) => `${e.runId}  ${e.createdAt.slice(0, 19).replace('T', ' ')}  ${e.table}  ${e.mode}  ${e.status === 'recording' ? 'ended early' : 'complete'}  ${e.bytes === null ? '' : formatBytes(e.bytes)}`).join('\n');
}

export async function undoCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('undo', {
    args: argv,
    allowPositionals: true,
    options: { dsn: { type: 'string' }, 'manifest-schema': { type: 'string' }, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' }, chain: { type: 'boolean' }, list: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const schema = values['manifest-schema'] ?? LOAD_DEFAULTS.manifestSchema;
  const { display: _display, ...connection } = await resolveConnection(values.dsn, log);
  if (values.list) {
    const entries = await listUndoOnServer(connection, schema);
    process.stdout.write(values.json ? `${JSON.stringify(entries, null, 2)}\n` : `${listTable(entries)}\n`);
    return 0;
  }
  const [run, ...extra] = positionals;
  if (!run || extra.length > 0) throw new KeyloadError(ErrorCodes.usage, 'Name one run: keyload undo <run id|last>', { hint: 'keyload undo --list shows the runs that can be undone.' });
  const dryRun = values['dry-run'] ?? false;
  const outcome = await undoOnServer(connection, { run, schema, dryRun, force: values.force ?? false, chain: values.chain ?? false });
  for (const step of [...outcome.chained, outcome]) {
    if (step.done) recordUndone(step.entry.runId, log);
    log(undoSummary(step, dryRun));
  }
  if (values.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  return outcome.done || (dryRun && !outcome.refused) ? 0 : 1;
}

/** The history (the app's and the CLI's) shows the run undone, when it holds it. */
function recordUndone(runId: string, log: (line: string) => void): void {
  try {
    openHistory(log).markUndone(runId, new Date().toISOString());
  } catch (error) {
    log(`note: the run was undone, but the history could not be updated: ${(error as Error).message}`);
  }
}
