// Runs a plan: opens a pool sized by the plan's budget, holds the run's locks on a coordinator
// connection, hands the files to the loader for the mode, and reports a result with counts per
// file and in total, plus how the connection pool was used.
import type { Pool, PoolClient } from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { addCounts, emptyCounts, type FileResult, type FileStage, type LoadEvent, type LoadResult } from '../../../shared/load-types.ts';
import { toErrorInfo } from '../error-info.ts';
import { describeFormat } from '../inspect/inspect-files.ts';
import { displayName, qualifiedName } from '../sql/identifiers.ts';
import { appendFile } from './merge/append-load.ts';
import { appendPassThrough } from './pass-through/append.ts';
import { passThrough } from './pass-through/csv-copy.ts';
import { keyedLoader, loadClaimed } from './manifest/claimed-load.ts';
import { mapLimit } from './runtime/concurrency.ts';
import { checkCancelled, fileKey, isReadyFile, type FileContext, type ReadyFile, type RunContext } from './file-context.ts';
import { loadKeyed } from './merge/keyed-load.ts';
import { FileLocks, skipLoadedMeanwhile } from './manifest/file-lock.ts';
import { ensureManifest, forgetStale, readManifest } from './manifest/manifest.ts';
import { forgetTableSql } from './manifest/sql.ts';
import { createdTableSql } from './runtime/sql.ts';
import { tableExistsError, type LoadPlan, type PlannedFile } from './plan.ts';
import { openPool } from './runtime/pool.ts';
import { PoolSampler } from './runtime/pool-metrics.ts';
import { acquireClient, withClient, type HeldClient } from './runtime/pool-client.ts';
import { FileTracker } from './progress.ts';
import { RejectsFile } from './stage/rejects-file.ts';
import { hashLayout, rangeLayout, type UnitLayout } from './stage/unit-layout.ts';
import { loadReplace } from './merge/replace-load.ts';
import { EMPTY_FILE, fileOutcome, outcomeOf, type FileOutcome } from './outcome.ts';
import { retrying } from './runtime/retry.ts';
import { LockWatch } from './runtime/lock-watch.ts';
import { inTransaction } from './runtime/transaction.ts';
import { dropDeadStaging, dropRunStaging } from './cleanup/leftovers.ts';
import { lockRun, lockTable } from './runtime/run-locks.ts';
import type { UndoRecording } from '../undo/sql.ts';
import { finishUndo, keepsUndo, startUndo, undoUnavailable } from '../undo/undo-log.ts';

export interface RunHooks {
  onEvent?: (event: LoadEvent) => void;
  signal?: AbortSignal;
  /** The run's report directory; rejects files go here unless --rejects-dir says otherwise. */
  reportDir: string;
  /** Minimum time between progress events of one file (stage changes always go out). */
  progressIntervalMs?: number;
}

interface FileRun {
  file: PlannedFile;
  tracker: FileTracker;
  rejects: RejectsFile;
  result: FileResult | null;
}

/** A file the run decides about without loading it: a dry run's, or one planning left out. */
type FileEnd = FileOutcome | { status: 'planned' };

const stageOf: Record<FileResult['status'], FileStage> = {
  loaded: 'done',
  'partly-loaded': 'partly-loaded',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
  planned: 'skipped',
};

/** What a file's result says beyond its status and counts. */
function details(end: FileEnd): Partial<FileResult> {
  switch (end.status) {
    case 'partly-loaded':
      return { committedRows: end.committedRows, error: end.error };
    case 'failed':
      return { error: end.error };
    case 'skipped':
      return { skipReason: end.reason };
    case 'cancelled':
      return end.committedRows > 0 ? { committedRows: end.committedRows } : {};
    default:
      return {};
  }
}

function settle(run: FileRun, end: FileEnd): void {
  run.tracker.stage(stageOf[end.status]);
  run.result = {
    path: run.file.path,
    sha256: run.file.info?.sha256 ?? null,
    ...(run.file.info ? { format: describeFormat(run.file.info.description) } : {}),
    status: end.status,
    counts: { ...run.tracker.counts },
    seconds: run.tracker.seconds,
    ...(run.rejects.written ? { rejectsFile: run.rejects.path } : {}),
    ...details(end),
  };
}

/** How planning ends a file without loading it, or null when the file is to be loaded. */
function plannedEnd(file: PlannedFile, dryRun: boolean): FileEnd | null {
  if (file.empty) return { status: 'skipped', reason: EMPTY_FILE };
  if (file.error) return { status: 'failed', error: file.error };
  if (file.alreadyLoaded) return { status: 'skipped', reason: 'already loaded' };
  if (dryRun) return { status: 'planned' };
  return null;
}

/** Every file has its result once the run is over; a missing one is a bug, not a file to leave out. */
function resultOf(run: FileRun): FileResult {
  if (!run.result) throw new KeyloadError(ErrorCodes.internal, `The run ended without a result for ${run.file.path}`);
  return run.result;
}

export async function runLoad(plan: LoadPlan, hooks: RunHooks): Promise<LoadResult> {
  const started = performance.now();
  const emit = hooks.onEvent ?? (() => {});
  const { options, budget } = plan;
  const settings = { key: plan.key ?? [], conflictPolicy: options.conflictPolicy, order: options.order };
  emit({ type: 'run-started', runId: plan.runId, files: plan.files.map((f) => f.path), table: displayName(plan.table), settings });
  for (const message of plan.notices) emit({ type: 'notice', message });
  const runs: FileRun[] = plan.files.map((file) => ({
    file,
    tracker: new FileTracker(file.path, file.info?.totalBytes ?? 0, emit, hooks.progressIntervalMs),
    rejects: new RejectsFile(options.rejectsDir ?? hooks.reportDir, file.path, file.rank, file.info?.columns.map((c) => c.name) ?? []),
    result: null,
  }));
  const pending: { fileRun: FileRun; file: ReadyFile }[] = [];
  for (const run of runs) {
    const end = plannedEnd(run.file, options.dryRun);
    if (end) settle(run, end);
    else if (isReadyFile(run.file)) pending.push({ fileRun: run, file: run.file });
    else settle(run, { status: 'failed', error: { code: ErrorCodes.internal, message: 'Planning left the file without its columns or mapping', file: run.file.path } });
  }

  let pool: LoadResult['pool'] = null;
  let createdTable = false;
  if (!options.dryRun && pending.length > 0) {
    const connections = openPool(plan.connection, budget.poolSize, options.lockTimeoutMs);
    const sampler = new PoolSampler(connections, budget.poolSize, (sample) => emit({ type: 'pool', sample }));
    const locks = new LockWatch(connections, emit);
    let coordinator: HeldClient | undefined;
    let undo: UndoRecording | null = null;
    try {
      coordinator = await retrying({ plan, emit }, 'Preparing the run', async () => {
        const held = await acquireClient(connections);
        try {
          ({ created: createdTable, undo } = await prepareTarget(held, plan, emit));
          return held;
        } catch (error) {
          held.release(true);
          throw error;
        }
      });
      locks.start(coordinator.client);
      // Sampling the target waits behind its locks like the load would: after the watch starts,
      // on a connection of the run's (the watch polls on the coordinator's).
      const layout = await retrying({ plan, emit }, 'Choosing the merge units', () => withClient(connections, (client) => unitLayout(client, plan)));
      const run: RunContext = {
        plan,
        pool: connections,
        budget,
        support: plan.support,
        partitions: layout.parts,
        bounds: layout.bounds,
        // Claimers do not take turns on the whole table; they serialise per partition instead.
        partitionLocks: options.claim,
        signal: hooks.signal,
        emit,
        undo,
      };
      const contexts = pending.map(({ fileRun, file }) => ({ run, file, tracker: fileRun.tracker, rejects: fileRun.rejects }));
      const outcomes = await loadFiles(run, contexts, coordinator, runs);
      for (const [i, outcome] of outcomes.entries()) {
        const entry = pending[i];
        if (entry) settle(entry.fileRun, await explainLockTimeout(locks, plan, outcome));
      }
    } catch (error) {
      for (const { fileRun, file } of pending) {
        if (!fileRun.result) settle(fileRun, await explainLockTimeout(locks, plan, fileOutcome(toErrorInfo(error, file.path), fileRun.tracker, hooks.signal)));
      }
    } finally {
      await locks.stop();
      const incomplete = pending.some(({ fileRun }) => fileRun.result?.status !== 'loaded' && fileRun.result?.status !== 'skipped');
      if (createdTable && coordinator && incomplete && (await dropIfEmpty(coordinator, plan, emit))) createdTable = false;
      await Promise.all(runs.map((r) => r.rejects.close()));
      if (coordinator && undo) await finishUndo(coordinator.client, plan).catch((error: unknown) => emit({ type: 'notice', message: `Could not mark this run's undo state complete (${toErrorInfo(error).message}); it can still be undone` }));
      if (coordinator) await dropOwnStaging(coordinator, connections, plan, emit);
      coordinator?.release(true); // closing the coordinator's session releases its advisory locks
      pool = sampler.stop();
      await connections.end();
    }
  } else if (!options.dryRun) {
    await sweepDeadStaging(plan, emit);
  }

  const files = runs.map(resultOf);
  const totals = files.reduce((sum, f) => addCounts(sum, f.counts), emptyCounts());
  const exitCode = files.some((f) => f.status === 'failed' || f.status === 'partly-loaded' || f.status === 'cancelled') ? 1 : totals.rejected > 0 ? 3 : 0;
  const result: LoadResult = {
    runId: plan.runId,
    table: displayName(plan.table),
    mode: options.mode,
    dryRun: options.dryRun,
    createdTable,
    files,
    totals,
    seconds: (performance.now() - started) / 1000,
    concurrency: budget.concurrency,
    internalConcurrency: budget.internalConcurrency,
    pool,
    exitCode,
  };
  emit({ type: 'run-finished', result });
  return result;
}

/** A lock timeout in a file's outcome named with the table and the session that held the lock. */
async function explainLockTimeout(locks: LockWatch, plan: LoadPlan, outcome: FileOutcome): Promise<FileOutcome> {
  if (!('error' in outcome)) return outcome;
  const error = await locks.explain(outcome.error, { qualified: qualifiedName(plan.table), display: displayName(plan.table) }, plan.options.lockTimeoutMs);
  return { ...outcome, error };
}

/**
 * Takes the run's lock and readies the manifest, creates the table when planned, and starts the
 * run's undo state when it keeps one. `created`: this run created the table.
 */
async function prepareTarget(coordinator: HeldClient, plan: LoadPlan, emit: (event: LoadEvent) => void): Promise<{ created: boolean; undo: UndoRecording | null }> {
  const { client } = coordinator;
  await lockRun(client, plan.runId);
  await ensureManifest(client, plan.options.manifestSchema);
  await dropDeadStaging(client, plan.options.manifestSchema, { ownRunId: plan.runId });
  const created = await createPlannedTable(coordinator, plan);
  // After the table exists: rows of a table this run created are all stale.
  const shas = plan.files.flatMap((f) => (f.info?.sha256 ? [f.info.sha256] : []));
  await forgetStale(client, plan.options.manifestSchema, plan.table, shas);
  const unavailable = plan.options.undo ? undoUnavailable(plan) : null;
  if (unavailable) emit({ type: 'notice', message: unavailable });
  return { created, undo: keepsUndo(plan) ? await startUndo(client, plan) : null };
}

/**
 * The run's merge units: a resumed file's; for the keyed modes, key ranges from the target's keys;
 * else (and for an empty target) hash partitions. Claimers keep hash partitions: their
 * per-partition locks must stand for the same keys in every claimer, whatever each one sampled.
 */
async function unitLayout(client: PoolClient, plan: LoadPlan): Promise<UnitLayout> {
  const { mode, claim } = plan.options;
  if (plan.resumedLayout && !(claim && plan.resumedLayout.bounds)) return plan.resumedLayout;
  const ranged = plan.key && !claim && (mode === 'upsert' || mode === 'insert' || mode === 'ignore');
  return (ranged ? await rangeLayout(client, qualifiedName(plan.table), plan.key ?? [], plan.partitions) : null) ?? hashLayout(plan.partitions);
}

async function createPlannedTable({ client }: HeldClient, plan: LoadPlan): Promise<boolean> {
  if (!plan.createTableSql) return false;
  try {
    await client.query(plan.createTableSql);
    return true;
  } catch (error) {
    // Another session created it since planning: an error when it had to be new, else loaded into.
    if (toErrorInfo(error).code !== '42P07') throw error;
    if (plan.options.tableMustBeNew) throw tableExistsError(plan.table);
    return false;
  }
}

/**
 * After a failed or cancelled run: drops the table the run created when no row landed in it, with
 * the manifest rows of that table (nothing of them is left to resume). True when it was dropped.
 */
async function dropIfEmpty(coordinator: HeldClient, plan: LoadPlan, emit: (event: LoadEvent) => void): Promise<boolean> {
  const { client } = coordinator;
  const table = qualifiedName(plan.table);
  const schema = plan.options.manifestSchema;
  try {
    return await inTransaction(client, async () => {
      await client.query(createdTableSql.lock(table));
      const rows = await client.query<{ any: boolean }>(createdTableSql.anyRow(table));
      if (rows.rows[0]?.any) return false;
      await client.query(createdTableSql.drop(table));
      for (const statement of forgetTableSql(schema)) await client.query(statement, [displayName(plan.table)]);
      emit({ type: 'notice', message: `Dropped ${displayName(plan.table)}, which this run created: no row was loaded into it` });
      return true;
    });
  } catch (error) {
    emit({ type: 'notice', message: `Could not drop the empty table ${displayName(plan.table)} this run created: ${toErrorInfo(error).message}` });
    return false;
  }
}

/**
 * However the run ended, its staging tables go: on the coordinator, or on a fresh connection when the
 * coordinator's broke. What neither can drop, the next run's start (or keyload clean) drops. Dead
 * runs' tables are swept again here: a killed run's backend can still hold its lock when this run
 * starts (the server has not noticed the lost client yet), but not by the time this run ends (its
 * sessions check for a lost client every second: runtime/pool.ts).
 */
async function dropOwnStaging(coordinator: HeldClient, pool: Pool, plan: LoadPlan, emit: (event: LoadEvent) => void): Promise<void> {
  const schema = plan.options.manifestSchema;
  const drop = async (client: PoolClient) => {
    await dropRunStaging(client, schema, plan.runId);
    await dropDeadStaging(client, schema, { ownRunId: plan.runId });
  };
  try {
    await drop(coordinator.client).catch(async () => {
      const fresh = await acquireClient(pool);
      try {
        await drop(fresh.client);
      } finally {
        fresh.release(true); // its lock_timeout was shortened
      }
    });
  } catch (error) {
    emit({ type: 'notice', message: `Could not drop this run's staging tables (${toErrorInfo(error).message}); the next run or keyload clean drops them` });
  }
}

/**
 * A run with nothing to load still drops dead runs' staging tables: a run killed after its
 * manifest commit, before its drops, leaves every file `loaded`, so its re-run has nothing to load.
 */
async function sweepDeadStaging(plan: LoadPlan, emit: (event: LoadEvent) => void): Promise<void> {
  const pool = openPool(plan.connection, 1, plan.options.lockTimeoutMs);
  try {
    await withClient(pool, (client) => dropDeadStaging(client, plan.options.manifestSchema, { ownRunId: plan.runId }));
  } catch (error) {
    emit({ type: 'notice', message: `Could not drop dead runs' staging tables (${toErrorInfo(error).message}); the next run or keyload clean drops them` });
  } finally {
    await pool.end();
  }
}

async function loadFiles(run: RunContext, contexts: FileContext[], coordinator: HeldClient, runs: FileRun[]): Promise<FileOutcome[]> {
  const { plan } = run;
  const { mode } = plan.options;
  const append = (ctx: FileContext) => outcomeOf(ctx, appendWithRetry(ctx));
  if (plan.options.claim) {
    if (mode === 'replace') throw new KeyloadError(ErrorCodes.usage, '--claim cannot be combined with --mode replace, which must see every file');
    return loadClaimed(run, contexts, mode === 'append' ? append : keyedLoader(mode));
  }
  switch (mode) {
    case 'append': {
      // Appends of one file by racing runs take turns per file; the keyed modes take turns per table.
      const locks = new FileLocks(coordinator.client);
      return mapLimit(contexts, plan.budget.concurrency, (ctx) => locks.once(ctx, () => append(ctx)));
    }
    case 'replace': {
      const failed = runs.find((r) => r.result?.status === 'failed');
      return withTableLock(coordinator, plan, () => loadReplace(run, contexts, failed?.file.path ?? null));
    }
    default:
      return withTableLock(coordinator, plan, () => skipLoadedMeanwhile(coordinator.client, contexts, (rest) => loadKeyed(run, rest, mode)));
  }
}

/**
 * Concurrent runs into one table take turns with the table lock. Staging would be safe in parallel,
 * but holding the lock for the whole load keeps the rule simple: the result equals one serial order.
 */
async function withTableLock<T>(coordinator: HeldClient, plan: LoadPlan, work: () => Promise<T>): Promise<T> {
  await lockTable(coordinator.client, displayName(plan.table));
  return work();
}

async function appendWithRetry(ctx: FileContext): Promise<void> {
  const { plan } = ctx.run;
  checkCancelled(ctx.run.signal);
  ctx.tracker.stage('reading');
  await retrying(
    ctx.run,
    ctx.file.path,
    async () => {
      Object.assign(ctx.tracker.counts, emptyCounts());
      const state = await withClient(ctx.run.pool, (client) => readManifest(client, plan.options.manifestSchema, fileKey(ctx).sha256, plan.table));
      // An earlier attempt recorded the file loaded and then lost its connection (the write had
      // committed): appending it again would add its rows twice.
      if (state && !state.stale && state.status === 'loaded' && state.runId === plan.runId) {
        Object.assign(ctx.tracker.counts, state.counts);
        return;
      }
      const resume = state && !state.stale && state.status === 'loading' && state.mode === 'append' && !plan.options.atomicFile ? state : null;
      if (ctx.file.info.sha256 === null) throw new KeyloadError(ErrorCodes.internal, 'file has no checksum', { file: ctx.file.path });
      const direct = resume ? null : passThrough(ctx);
      if (!direct) return appendFile(ctx, resume);
      const end = await appendPassThrough(ctx, direct);
      if (end.loaded) return;
      // The rest of the file goes the usual way, after the sub-batches that went through.
      ctx.run.emit({ type: 'notice', message: `${ctx.file.path}: reading it row by row from sub-batch ${end.batchesDone + 1} (${end.reason})` });
      Object.assign(ctx.tracker.counts, emptyCounts());
      await appendFile(ctx, { status: 'loading', mode: 'append', batchRows: end.batchRows, batchesDone: end.batchesDone, parts: 1, bounds: null, counts: { ...emptyCounts(), inserted: end.inserted }, runId: plan.runId });
    },
  );
}
