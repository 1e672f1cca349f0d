// Runs a plan: opens a pool sized by the plan's budget, holds the run's locks on a coordinator
// connection, hands the files to the loader for the mode, and reports a result with counts per
// file and in total, plus how the connection pool was used.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { addCounts, emptyCounts, type FileResult, type LoadEvent, type LoadResult } from '../../../shared/load-types.ts';
import { toErrorInfo } from '../error-info.ts';
import { displayName } from '../sql/identifiers.ts';
import { appendFile } from './append-load.ts';
import { keyedLoader, loadClaimed, Skipped } from './claimed-load.ts';
import { mapLimit } from './concurrency.ts';
import { checkCancelled, fileKey, type FileContext, type ReadyFile, type RunContext } from './file-context.ts';
import { loadKeyed } from './keyed-load.ts';
import { ensureManifest, readManifest } from './manifest.ts';
import { openPool, type LoadPlan, type PlannedFile } from './plan.ts';
import { PoolSampler } from './pool-metrics.ts';
import { acquireClient, type HeldClient } from './pool-client.ts';
import { FileTracker } from './progress.ts';
import { RejectsFile } from './rejects-file.ts';
import { loadReplace } from './replace-load.ts';
import { withRetry } from './retry.ts';
import { dropAbandonedStaging, lockRun, lockTable } from './run-locks.ts';

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

function finish(run: FileRun, status: FileResult['status'], extra: Partial<FileResult> = {}): void {
  run.tracker.stage(status === 'loaded' ? 'done' : status === 'failed' ? 'failed' : 'skipped');
  run.result = {
    path: run.file.path,
    sha256: run.file.info?.sha256 ?? null,
    status,
    counts: { ...run.tracker.counts },
    seconds: run.tracker.seconds,
    ...(run.rejects.written ? { rejectsFile: run.rejects.path } : {}),
    ...extra,
  };
}

function settle(run: FileRun, error: unknown): void {
  if (error instanceof Skipped) finish(run, 'skipped', { skipReason: error.reason });
  else if (error) finish(run, 'failed', { error: toErrorInfo(error, run.file.path) });
  else finish(run, 'loaded');
}

export async function runLoad(plan: LoadPlan, hooks: RunHooks): Promise<LoadResult> {
  const started = performance.now();
  const emit = hooks.onEvent ?? (() => {});
  const { options, budget } = plan;
  emit({ type: 'run-started', runId: plan.runId, files: plan.files.map((f) => f.path), table: displayName(plan.table) });
  for (const message of plan.notices) emit({ type: 'notice', message });
  const runs: FileRun[] = plan.files.map((file) => ({
    file,
    tracker: new FileTracker(file.path, file.info?.totalBytes ?? 0, emit, hooks.progressIntervalMs),
    rejects: new RejectsFile(options.rejectsDir ?? hooks.reportDir, file.path, file.rank, file.info?.columns.map((c) => c.name) ?? []),
    result: null,
  }));
  for (const run of runs) {
    if (run.file.error) finish(run, 'failed', { error: run.file.error });
    else if (run.file.alreadyLoaded) finish(run, 'skipped', { skipReason: 'already loaded' });
    else if (options.dryRun) finish(run, 'planned');
  }

  let pool: LoadResult['pool'] = null;
  const pending = runs.filter((r) => !r.result);
  if (!options.dryRun && pending.length > 0) {
    const connections = openPool(plan.connection, budget.poolSize);
    const sampler = new PoolSampler(connections, budget.poolSize, (sample) => emit({ type: 'pool', sample }));
    let coordinator: HeldClient | undefined;
    try {
      coordinator = await acquireClient(connections);
      await prepareTarget(coordinator, plan);
      const run: RunContext = {
        plan,
        pool: connections,
        budget,
        support: plan.support,
        partitions: plan.partitions,
        // Claimers do not take turns on the whole table; they serialise per partition instead.
        partitionLocks: options.claim,
        signal: hooks.signal,
        emit,
      };
      const contexts = pending.map((r) => ({ run, file: r.file as ReadyFile, tracker: r.tracker, rejects: r.rejects }));
      const errors = await loadFiles(run, contexts, coordinator, runs);
      pending.forEach((r, i) => settle(r, errors[i]));
    } catch (error) {
      for (const r of pending) if (!r.result) settle(r, error);
    } finally {
      await Promise.all(runs.map((r) => r.rejects.close()));
      coordinator?.release(true); // closing the coordinator's session releases its advisory locks
      pool = sampler.stop();
      await connections.end();
    }
  }

  const files = runs.map((r) => r.result as FileResult);
  const totals = files.reduce((sum, f) => addCounts(sum, f.counts), emptyCounts());
  const exitCode = files.some((f) => f.status === 'failed') ? 1 : totals.rejected > 0 ? 3 : 0;
  const result: LoadResult = {
    runId: plan.runId,
    table: displayName(plan.table),
    mode: options.mode,
    dryRun: options.dryRun,
    createdTable: plan.createTableSql !== null && !options.dryRun,
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

async function prepareTarget(coordinator: HeldClient, plan: LoadPlan): Promise<void> {
  const { client } = coordinator;
  await lockRun(client, plan.runId);
  if (plan.createTableSql) {
    // Two runs may both have planned to create the table; the second finds it there.
    await client.query(plan.createTableSql.replace(/^CREATE TABLE /, 'CREATE TABLE IF NOT EXISTS '));
  }
  await ensureManifest(client, plan.options.manifestSchema);
  await dropAbandonedStaging(client, plan.options.manifestSchema, plan.runId);
}

async function loadFiles(run: RunContext, contexts: FileContext[], coordinator: HeldClient, runs: FileRun[]): Promise<unknown[]> {
  const { plan } = run;
  if (plan.options.claim) {
    const mode = plan.options.mode;
    if (mode === 'replace') throw new KeyloadError(ErrorCodes.usage, '--claim cannot be combined with --mode replace, which must see every file');
    const loadOne = mode === 'append' ? (ctx: FileContext) => appendWithRetry(ctx).then(() => null, (error: unknown) => error) : keyedLoader(mode);
    return loadClaimed(run, contexts, loadOne);
  }
  switch (plan.options.mode) {
    case 'append':
      return mapLimit(contexts, plan.budget.concurrency, (ctx) => appendWithRetry(ctx).then(() => null, (error: unknown) => error));
    case 'replace': {
      const failed = runs.find((r) => r.result?.status === 'failed');
      return withTableLock(coordinator, plan, () => loadReplace(run, contexts, failed?.file.path ?? null));
    }
    default:
      return withTableLock(coordinator, plan, () => loadKeyed(run, contexts, plan.options.mode as 'upsert' | 'insert' | 'ignore'));
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
  await withRetry(
    plan.options.maxRetries,
    async () => {
      Object.assign(ctx.tracker.counts, emptyCounts());
      const { client, release } = await acquireClient(ctx.run.pool);
      let state;
      try {
        state = await readManifest(client, plan.options.manifestSchema, fileKey(ctx).sha256, fileKey(ctx).targetTable);
      } finally {
        release(false);
      }
      const resume = state?.status === 'loading' && state.mode === 'append' && !plan.options.atomicFile ? state : null;
      if (ctx.file.info.sha256 === null) throw new KeyloadError(ErrorCodes.internal, 'file has no checksum', { file: ctx.file.path });
      await appendFile(ctx, resume);
    },
    (error, attempt) => ctx.run.emit({ type: 'notice', message: `${ctx.file.path}: ${toErrorInfo(error).message}; retry ${attempt} of ${plan.options.maxRetries}` }),
  );
}
