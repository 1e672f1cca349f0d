// The run history of the app and the CLI: one row per load, written when it starts and when it
// finishes, by whichever process runs it (both open the same file; SQLite's WAL lets them). Listing
// reads only the indexed summary columns; the full LoadResult (per-file results and errors, timings,
// pool metrics, rejects files) is kept as JSON for the detail view.
import type { z } from 'zod';
import { ErrorCodes, KeyloadError, type ErrorInfo } from '../../shared/errors.ts';
import { runOptionsSchema, type RunDetail, type RunSummary } from '../../shared/ipc/contract.ts';
import { emptyCounts, type LoadResult, type RowCounts } from '../../shared/load-types.ts';
import type { AppDatabase } from './app-database.ts';

export interface RunStart {
  runId: string;
  source: RunSummary['source'];
  /** The process running the load: while it lives, the run is not taken for interrupted. */
  pid: number;
  connectionId: string;
  /** Kept as it was at the time: the connection may be renamed or removed later. */
  connectionName: string;
  table: string;
  mode: string;
  files: string[];
  /** Validated and completed with defaults before it is stored. */
  options: z.input<typeof runOptionsSchema>;
  /** Where the run's report and rejects files are written. */
  reportDir: string;
  /** ISO 8601. */
  startedAt: string;
}

export interface RunOutcome {
  /** Any status but 'running'. */
  status: RunSummary['status'];
  result: LoadResult | null;
  error: ErrorInfo | null;
  /** ISO 8601. */
  finishedAt: string;
}

export interface RunQuery {
  /** Case-insensitive substring of the table, connection name, a file path or the status. */
  search?: string | undefined;
  limit: number;
  offset: number;
}

/** What a run left 'running' by an app that crashed or was killed shows as. */
export const interruptedError: ErrorInfo = {
  code: ErrorCodes.internal,
  message: 'Interrupted: the Keyload process running it ended before it finished',
  hint: 'Check the target table before running the load again',
};

interface SummaryRow {
  run_id: string;
  started_at: string;
  finished_at: string | null;
  status: RunSummary['status'];
  source: RunSummary['source'];
  connection_name: string;
  table_name: string;
  mode: string;
  file_count: number;
  totals: string | null;
  seconds: number | null;
  undone_at: string | null;
}

interface DetailRow extends SummaryRow {
  connection_id: string;
  options: string;
  result: string | null;
  error: string | null;
  report_dir: string;
}

const summaryColumns = 'run_id, started_at, finished_at, status, source, connection_name, table_name, mode, file_count, totals, seconds, undone_at';

export class RunHistory {
  private readonly db: AppDatabase;

  constructor(db: AppDatabase) {
    this.db = db;
    // SQLite's own LIKE and lower() fold ASCII only; search must also match "Ü" with "ü".
    db.function('keyload_fold', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text));
  }

  start(run: RunStart): void {
    const options = runOptionsSchema.parse(run.options);
    const insertRun = this.db.prepare(`
      INSERT INTO runs (run_id, source, pid, connection_id, connection_name, table_name, mode, status, started_at, file_count, report_dir, options)
      VALUES (@runId, @source, @pid, @connectionId, @connectionName, @table, @mode, 'running', @startedAt, @fileCount, @reportDir, @options)`);
    const insertFile = this.db.prepare('INSERT INTO run_files (run_id, position, path) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      insertRun.run({
        runId: run.runId,
        source: run.source,
        pid: run.pid,
        connectionId: run.connectionId,
        connectionName: run.connectionName,
        table: run.table,
        mode: run.mode,
        startedAt: isoUtc(run.startedAt),
        fileCount: run.files.length,
        reportDir: run.reportDir,
        options: JSON.stringify(options),
      });
      run.files.forEach((path, position) => insertFile.run(run.runId, position, path));
    })();
  }

  finish(runId: string, outcome: RunOutcome): void {
    if (outcome.status === 'running') throw new KeyloadError(ErrorCodes.internal, `Run ${runId} cannot finish with status 'running'`);
    // Without a result (the engine failed outright) the wall time since the start stands in.
    const { changes } = this.db
      .prepare(`
        UPDATE runs SET status = @status, finished_at = @finishedAt,
          seconds = COALESCE(@seconds, (julianday(@finishedAt) - julianday(started_at)) * 86400),
          totals = @totals, result = @result, error = @error
        WHERE run_id = @runId AND status = 'running'`)
      .run({
        runId,
        status: outcome.status,
        finishedAt: isoUtc(outcome.finishedAt),
        seconds: outcome.result?.seconds ?? null,
        totals: outcome.result ? JSON.stringify(outcome.result.totals) : null,
        result: outcome.result ? JSON.stringify(outcome.result) : null,
        error: outcome.error ? JSON.stringify(outcome.error) : null,
      });
    if (changes === 0) throw new KeyloadError(ErrorCodes.internal, `Run ${runId} is not running`);
  }

  /**
   * Marks as failed every run still 'running' whose process is gone (it crashed or was killed), so it
   * does not stay 'running' forever; runs of live processes (this one, a CLI load next to the app)
   * are left alone. The time they stopped is unknown, so their finish time stays empty. Returns how
   * many were marked.
   */
  markInterrupted(isAlive: (pid: number) => boolean = processAlive): number {
    const running = this.db.prepare<[], { run_id: string; pid: number | null }>("SELECT run_id, pid FROM runs WHERE status = 'running'").all();
    const mark = this.db.prepare("UPDATE runs SET status = 'failed', error = ? WHERE run_id = ? AND status = 'running'");
    const gone = running.filter((run) => run.pid === null || !isAlive(run.pid));
    this.db.transaction(() => gone.forEach((run) => mark.run(JSON.stringify(interruptedError), run.run_id)))();
    return gone.length;
  }

  /** The run was taken back; false when the history does not hold it (a run of another machine). */
  markUndone(runId: string, undoneAt: string): boolean {
    return this.db.prepare('UPDATE runs SET undone_at = ? WHERE run_id = ?').run(isoUtc(undoneAt), runId).changes > 0;
  }

  /** Some run in the history loaded (or was to load) this file. */
  hasFile(path: string): boolean {
    return this.db.prepare<[string], { found: number }>('SELECT 1 AS found FROM run_files WHERE path = ? LIMIT 1').get(path) !== undefined;
  }

  /** Newest first. */
  list(query: RunQuery): RunSummary[] {
    const search = query.search?.trim();
    const pattern = search ? `%${search.toLowerCase().replace(/[\\%_]/g, '\\$&')}%` : null;
    const rows = this.db
      .prepare<{ pattern: string | null; limit: number; offset: number }, SummaryRow>(`
        SELECT ${summaryColumns} FROM runs r
        WHERE @pattern IS NULL
          OR keyload_fold(r.table_name) LIKE @pattern ESCAPE '\\'
          OR keyload_fold(r.connection_name) LIKE @pattern ESCAPE '\\'
          OR r.status LIKE @pattern ESCAPE '\\'
          OR EXISTS (SELECT 1 FROM run_files f WHERE f.run_id = r.run_id AND keyload_fold(f.path) LIKE @pattern ESCAPE '\\')
        ORDER BY r.started_at DESC, r.rowid DESC
        LIMIT @limit OFFSET @offset`)
      .all({ pattern, limit: query.limit, offset: query.offset });
    return rows.map(toSummary);
  }

  /** The run `ref` names: `last` (the newest), a run id, or a prefix of exactly one run id. */
  resolve(ref: string): RunDetail {
    const ids =
      ref === 'last'
        ? this.db.prepare<[], { run_id: string }>('SELECT run_id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1').all()
        : this.db.prepare<{ ref: string }, { run_id: string }>('SELECT run_id FROM runs WHERE substr(run_id, 1, length(@ref)) = @ref LIMIT 2').all({ ref });
    const detail = ids.length === 1 && ids[0] ? this.get(ids[0].run_id) : null;
    if (detail) return detail;
    if (ids.length > 1) throw new KeyloadError(ErrorCodes.usage, `${ref} is the start of several run ids; give more of it`, { hint: 'keyload history lists the runs.' });
    throw new KeyloadError(ErrorCodes.usage, ref === 'last' ? 'There is no run in the history yet' : `There is no run ${ref} in the history`, { hint: 'keyload history lists the runs.' });
  }

  get(runId: string): RunDetail | null {
    const row = this.db
      .prepare<[string], DetailRow>(`SELECT ${summaryColumns}, connection_id, options, result, error, report_dir FROM runs WHERE run_id = ?`)
      .get(runId);
    if (!row) return null;
    return {
      ...toSummary(row),
      connectionId: row.connection_id,
      options: JSON.parse(row.options) as RunDetail['options'],
      result: withAllCounts(parseJson<LoadResult>(row.result)),
      error: parseJson<ErrorInfo>(row.error),
      reportDir: row.report_dir,
    };
  }
}

function toSummary(row: SummaryRow): RunSummary {
  return {
    runId: row.run_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    source: row.source,
    connectionName: row.connection_name,
    table: row.table_name,
    mode: row.mode,
    files: row.file_count,
    totals: countsOf(parseJson<LoadResult['totals']>(row.totals)),
    seconds: row.seconds,
    undoneAt: row.undone_at,
  };
}

/** Runs stored by an earlier version lack the counts added since (superseded): they were 0. */
function countsOf(counts: RowCounts | null): RowCounts | null {
  return counts && { ...emptyCounts(), ...counts };
}

function withAllCounts(result: LoadResult | null): LoadResult | null {
  if (!result) return null;
  return { ...result, totals: { ...emptyCounts(), ...result.totals }, files: result.files.map((f) => ({ ...f, counts: { ...emptyCounts(), ...f.counts } })) };
}

/** Only for JSON this module wrote itself. */
function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Signal 0 tests for the process without touching it; EPERM means it exists as another user's. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/** Timestamps are stored as UTC ISO strings, so their text order is their time order. */
function isoUtc(timestamp: string): string {
  const time = new Date(timestamp);
  if (Number.isNaN(time.getTime())) throw new KeyloadError(ErrorCodes.internal, `Not a timestamp: ${JSON.stringify(timestamp)}`);
  return time.toISOString();
}
