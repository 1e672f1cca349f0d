// Runs a multi-table job: parents before children (from the catalog's foreign keys), independent
// tables side by side within the server's connection budget, dependents of a failed table not
// attempted, and every error collected: which table, which file, and why.
import { ErrorCodes, KeyloadError, type ErrorInfo } from '../../../shared/errors.ts';
import type { JobResult, JobTableResult, LoadEvent } from '../../../shared/load-types.ts';
import { LOAD_DEFAULTS } from '../../../shared/vocabulary.ts';
import { toErrorInfo } from '../error-info.ts';
import { planLoad } from '../load/plan.ts';
import { openPool, type ConnectionConfig } from '../load/runtime/pool.ts';
import { freeConnections } from '../load/runtime/pool-budget.ts';
import { acquireClient } from '../load/runtime/pool-client.ts';
import { runLoad } from '../load/run.ts';
import { displayName, parseTableName } from '../sql/identifiers.ts';
import { readParents } from './foreign-keys.ts';
import type { Job } from './job-file.ts';
import { runGraph } from './schedule.ts';

export interface JobHooks {
  onEvent?: (table: string, event: LoadEvent) => void;
  signal?: AbortSignal;
  /** Each table's report directory. */
  reportDir: (table: string) => string;
}

async function parentsAndBudget(connection: ConnectionConfig, job: Job): Promise<{ parents: Map<string, Set<string>>; free: number }> {
  const pool = openPool(connection, 1);
  const { client, release } = await acquireClient(pool);
  try {
    const parents = await readParents(client, job.tables.map((t) => parseTableName(t.table)));
    return { parents, free: await freeConnections(client) };
  } finally {
    release(false);
    await pool.end();
  }
}

export async function runJob(connection: ConnectionConfig, job: Job, hooks: JobHooks): Promise<JobResult> {
  const started = performance.now();
  const names = job.tables.map((t) => displayName(parseTableName(t.table)));
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new KeyloadError(ErrorCodes.usage, `Table ${duplicate} appears twice in the job`, { file: job.path });
  const { parents, free } = await parentsAndBudget(connection, job);
  // Each table's run asks for concurrency x internal concurrency + 1 connections.
  const perTable = Math.max(...job.tables.map((t) => (t.concurrency ?? LOAD_DEFAULTS.concurrency) * (t.disableInternalParallelism ? 1 : (t.internalConcurrency ?? LOAD_DEFAULTS.internalConcurrency)) + 1));
  const parallel = job.parallelTables ?? Math.max(1, Math.floor(free / perTable));
  const options = new Map(names.map((n, i) => [n, job.tables[i]]));
  const outcomes = await runGraph(names, parents, parallel, async (table) => {
    const plan = await planLoad(connection, options.get(table) ?? { files: [], table });
    const result = await runLoad(plan, {
      reportDir: hooks.reportDir(table),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onEvent: (event) => hooks.onEvent?.(table, event),
    });
    // A failed table's run still reports its files; it blocks the tables that reference it.
    return { ok: result.exitCode !== 1, result };
  });
  const tables: JobTableResult[] = names.map((table) => {
    const outcome = outcomes.get(table);
    if (outcome?.status === 'done') return { table, status: 'loaded', result: outcome.result, error: null };
    if (outcome?.status === 'blocked') {
      const error = new KeyloadError(ErrorCodes.dependencyFailed, `Not attempted: it references ${outcome.by}, which failed`).toInfo();
      return { table, status: 'not attempted', result: null, error };
    }
    if (outcome?.status === 'failed' && outcome.result) return { table, status: 'failed', result: outcome.result, error: null };
    return { table, status: 'failed', result: null, error: toErrorInfo(outcome?.error) };
  });
  const errors: (ErrorInfo & { table: string })[] = tables.flatMap((t) => [
    ...(t.error ? [{ ...t.error, table: t.table }] : []),
    ...(t.result?.files.flatMap((f) => (f.error ? [{ ...f.error, table: t.table }] : [])) ?? []),
  ]);
  const rejected = tables.some((t) => (t.result?.totals.rejected ?? 0) > 0);
  const exitCode = tables.some((t) => t.status !== 'loaded') ? 1 : rejected ? 3 : 0;
  return { tables, errors, seconds: (performance.now() - started) / 1000, exitCode };
}
