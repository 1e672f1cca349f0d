// Runs a plan: files one after another in load order (so later files win), each with retries on
// transient errors, progress events, and a result with counts per file and in total.
import type { Pool, PoolClient } from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { addCounts, emptyCounts, type FileResult, type LoadEvent, type LoadResult } from '../../../shared/load-types.ts';
import { toErrorInfo } from '../error-info.ts';
import { displayName, qualifiedName, quoteIdent } from '../sql/identifiers.ts';
import { appendFile } from './append-load.ts';
import { checkCancelled, stagedColumns, type FileContext, type ReadyFile } from './file-context.ts';
import { ensureManifest, readManifest } from './manifest.ts';
import type { LoadPlan, PlannedFile } from './plan.ts';
import { FileTracker } from './progress.ts';
import { RejectsFile } from './rejects-file.ts';
import { withRetry } from './retry.ts';
import { mergeStaged, recordProgress, stageFile, type StagedFile } from './staged-load.ts';
import { inTransaction } from './transaction.ts';
import { acquireClient } from './pool-client.ts';
import { prepareValidation } from './validation.ts';

/** One sub-batch holding everything: --atomic-file and replace. */
const ALL_ROWS = 2 ** 31 - 1;

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
  result: FileResult | null;
  rejects: RejectsFile | null;
}

function isReady(file: PlannedFile): file is ReadyFile {
  return file.info !== null && file.mapping !== null && file.error === null;
}

function finish(run: FileRun, status: FileResult['status'], extra: Partial<FileResult> = {}): void {
  run.tracker.stage(status === 'loaded' ? 'done' : status === 'failed' ? 'failed' : 'skipped');
  run.result = {
    path: run.file.path,
    sha256: run.file.info?.sha256 ?? null,
    status,
    counts: { ...run.tracker.counts },
    seconds: run.tracker.seconds,
    ...(run.rejects?.written ? { rejectsFile: run.rejects.path } : {}),
    ...extra,
  };
}

export async function runLoad(pool: Pool, plan: LoadPlan, hooks: RunHooks): Promise<LoadResult> {
  const started = performance.now();
  const emit = hooks.onEvent ?? (() => {});
  const options = plan.options;
  emit({ type: 'run-started', runId: plan.runId, files: plan.files.map((f) => f.path), table: displayName(plan.table) });
  for (const message of plan.notices) emit({ type: 'notice', message });
  const runs: FileRun[] = plan.files.map((file) => ({ file, tracker: new FileTracker(file.path, file.info?.totalBytes ?? 0, emit, hooks.progressIntervalMs), result: null, rejects: null }));

  for (const run of runs) {
    if (run.file.error) finish(run, 'failed', { error: run.file.error });
    else if (run.file.alreadyLoaded) finish(run, 'skipped', { skipReason: 'already loaded' });
    else if (options.dryRun) finish(run, 'planned');
  }
  if (!options.dryRun) await prepareTarget(pool, plan);
  const pending = runs.filter((r) => !r.result);
  if (!options.dryRun && pending.length > 0) {
    if (options.mode === 'replace') await replaceAll(pool, plan, runs, hooks);
    else for (const run of pending) await loadOne(pool, plan, run, hooks);
  }

  const files = runs.map((r) => r.result as FileResult);
  const totals = files.reduce((sum, f) => addCounts(sum, f.counts), emptyCounts());
  const exitCode = files.some((f) => f.status === 'failed') ? 1 : totals.rejected > 0 ? 3 : 0;
  const result: LoadResult = {
    runId: plan.runId,
    table: displayName(plan.table),
    mode: options.mode,
    dryRun: options.dryRun,
    files,
    totals,
    seconds: (performance.now() - started) / 1000,
    exitCode,
  };
  emit({ type: 'run-finished', result });
  return result;
}

async function prepareTarget(pool: Pool, plan: LoadPlan): Promise<void> {
  const { client, release } = await acquireClient(pool);
  try {
    if (plan.createTableSql) await client.query(plan.createTableSql);
    await ensureManifest(client, plan.options.manifestSchema);
  } finally {
    release(false);
  }
}

function newRejects(plan: LoadPlan, run: FileRun, reportDir: string): RejectsFile {
  const header = run.file.info?.columns.map((c) => c.name) ?? [];
  run.rejects = new RejectsFile(plan.options.rejectsDir ?? reportDir, run.file.path, run.file.rank, header);
  return run.rejects;
}

async function context(client: PoolClient, plan: LoadPlan, run: FileRun, hooks: RunHooks): Promise<FileContext> {
  const file = run.file as ReadyFile;
  const support = await prepareValidation(client);
  return { client, plan, file, tracker: run.tracker, rejects: newRejects(plan, run, hooks.reportDir), support, signal: hooks.signal };
}

async function loadOne(pool: Pool, plan: LoadPlan, run: FileRun, hooks: RunHooks): Promise<void> {
  const file = run.file;
  if (!isReady(file)) return;
  const options = plan.options;
  try {
    checkCancelled(hooks.signal);
    run.tracker.stage('reading');
    await withRetry(
      options.maxRetries,
      async () => {
        Object.assign(run.tracker.counts, emptyCounts());
        const { client, release } = await acquireClient(pool);
        let healthy = false;
        try {
          const ctx = await context(client, plan, run, hooks);
          const state = file.info.sha256 ? await readManifest(client, options.manifestSchema, file.info.sha256, displayName(plan.table)) : null;
          const resumeFrom = state?.status === 'loading' && state.mode === options.mode && !options.atomicFile ? state : null;
          if (options.mode === 'append') {
            await appendFile(ctx, resumeFrom);
          } else {
            const keyed = options.mode as 'upsert' | 'insert' | 'ignore';
            const batchRows = options.atomicFile ? ALL_ROWS : (resumeFrom?.batchRows ?? options.batchSize);
            const staged = await stageFile(ctx, batchRows);
            const merge = { batchRows, resumeFrom, inOneTransaction: options.atomicFile };
            if (options.atomicFile) {
              await inTransaction(client, async () => {
                await mergeStaged(ctx, staged, keyed, merge);
                await recordProgress(ctx, 'loaded', batchRows, staged.batches);
              });
            } else {
              await mergeStaged(ctx, staged, keyed, merge);
              await recordProgress(ctx, 'loaded', batchRows, staged.batches);
            }
          }
          await client.query('DISCARD TEMP');
          healthy = true;
        } finally {
          await run.rejects?.close();
          // A failed COPY or merge leaves the session in an unknown state: never reuse it.
          release(!healthy);
        }
      },
      (error, attempt) => hooks.onEvent?.({ type: 'notice', message: `${file.path}: ${toErrorInfo(error).message}; retry ${attempt} of ${options.maxRetries}` }),
    );
    finish(run, 'loaded');
  } catch (error) {
    finish(run, 'failed', { error: toErrorInfo(error, file.path) });
  }
}

/** Replace: stage every file, then empty the table and load them all in one transaction. */
async function replaceAll(pool: Pool, plan: LoadPlan, runs: FileRun[], hooks: RunHooks): Promise<void> {
  const blocking = runs.find((r) => r.result?.status === 'failed');
  const ready = runs.filter((r) => !r.result);
  if (blocking) {
    const why = new KeyloadError(ErrorCodes.dependencyFailed, `Not loaded: replace is all-or-nothing and ${blocking.file.path} failed`, { file: blocking.file.path });
    for (const run of ready) finish(run, 'failed', { error: why.toInfo() });
    return;
  }
  const { client, release } = await acquireClient(pool);
  let healthy = false;
  const staged: { run: FileRun; ctx: FileContext; staged: StagedFile }[] = [];
  try {
    for (const run of ready) {
      run.tracker.stage('reading');
      const ctx = await context(client, plan, run, hooks);
      staged.push({ run, ctx, staged: await stageFile(ctx, ALL_ROWS) });
    }
    const target = qualifiedName(plan.table);
    await inTransaction(client, async () => {
      // TRUNCATE is not possible while other tables' foreign keys point here; DELETE is.
      await client.query(plan.target.referenced ? `DELETE FROM ${target}` : `TRUNCATE ${target}`);
      for (const { run, ctx, staged: file } of staged) {
        checkCancelled(hooks.signal);
        if (plan.key) {
          await mergeStaged(ctx, file, 'upsert', { batchRows: ALL_ROWS, resumeFrom: null, inOneTransaction: true });
        } else {
          run.tracker.stage('merging');
          const columns = stagedColumns(ctx).map((c) => quoteIdent(c.name)).join(', ');
          const inserted = await client.query(`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${file.source} ORDER BY "#ord"`);
          run.tracker.counts.inserted = inserted.rowCount ?? 0;
        }
        await recordProgress(ctx, 'loaded', ALL_ROWS, file.batches);
      }
    });
    await client.query('DISCARD TEMP');
    healthy = true;
    for (const run of ready) finish(run, 'loaded');
  } catch (error) {
    const info = toErrorInfo(error);
    for (const run of ready) finish(run, 'failed', { error: { ...info, file: info.file ?? run.file.path } });
  } finally {
    for (const run of ready) await run.rejects?.close();
    release(!healthy);
  }
}
