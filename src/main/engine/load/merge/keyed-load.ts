// Upsert, insert and ignore over many files, in parallel and still deterministic. Files stage in
// parallel; then merge workers each take a hash partition of the key and write each key's winner
// across the files once: in one statement for the partition when the files write the same columns
// (partition-merge.ts), else file by file in file order, each file writing only the keys it owns
// (contested-keys.ts). Each key lives in exactly
// one partition, so two workers never touch the same key (no deadlocks, no "cannot affect row a
// second time"), every key is written once per run, and the table ends up the same as loading the
// files one by one, whatever the concurrency. With --atomic-file each file merges in one
// transaction instead, one at a time.
import type { PoolClient } from 'pg';
import { ErrorCodes, KeyloadError } from '../../../../shared/errors.ts';
import { toErrorInfo } from '../../error-info.ts';
import { displayName } from '../../sql/identifiers.ts';
import { mapLimit } from '../runtime/concurrency.ts';
import { checkCancelled, fileKey, mergeSpec, type FileContext, type RunContext } from '../file-context.ts';
import { recordFile } from '../manifest/file-status.ts';
import { fileOutcome, type FileOutcome } from '../outcome.ts';
import { readProgress, type UnitProgress } from '../manifest/manifest.ts';
import { disagreementsSql, existingKeysSql, list, type ContestedKeys, type KeyedMode } from './sql.ts';
import { ContestedPartitions, countSuperseded, type ContestingFile } from './contested-keys.ts';
import { countUnit, freshProgress, mergeUnit } from './merge-unit.ts';
import { mergePartition, mergesTogether, type MergedPartition } from './partition-merge.ts';
import { acquireClient, withClient } from '../runtime/pool-client.ts';
import { isTransient, retrying } from '../runtime/retry.ts';
import { dropStageTablesOver, stageFile, stageTable, type StagedFile } from '../stage/stage.ts';
import { inTransaction } from '../runtime/transaction.ts';
import { UniqueChecks } from '../stage/unique-checks.ts';
import { sameLayout } from '../stage/unit-layout.ts';

export interface KeyedFile {
  ctx: FileContext;
  /** Set once the file has failed; its remaining units are skipped. */
  error: unknown;
  staged: Promise<StagedFile | null>;
  units: UnitProgress[];
}

function fail(file: KeyedFile, error: unknown): void {
  file.error ??= error;
}

/** A file's outcome once the load is over: failed by the error it holds, if any. */
export function keyedOutcome(run: RunContext, file: KeyedFile): FileOutcome {
  return fileOutcome(file.error ? toErrorInfo(file.error, file.ctx.file.path) : null, file.ctx.tracker, run.signal);
}

/**
 * Stages every file (at most `concurrency` at once), retrying transient failures; then `prepare`
 * runs for each staged file before it counts as staged.
 */
export function stageAll(run: RunContext, contexts: FileContext[], prepare: (file: KeyedFile, staged: StagedFile, files: KeyedFile[]) => Promise<void>): KeyedFile[] {
  const { plan, budget } = run;
  // Each file's promise settles as soon as that file is staged, so merging starts early.
  const settle: ((staged: StagedFile | null) => void)[] = [];
  const files: KeyedFile[] = contexts.map((ctx) => ({ ctx, error: null, staged: new Promise((resolve) => settle.push(resolve)), units: [] }));
  void mapLimit(files, budget.concurrency, async (file, index) => {
    const { ctx } = file;
    try {
      checkCancelled(run.signal);
      ctx.tracker.stage('reading');
      const table = stageTable(plan.options.manifestSchema, plan.runId, ctx.file.rank, plan.key ? run.partitions : 0);
      const staged = await retrying(run, ctx.file.path, () => {
        Object.assign(ctx.tracker.counts, { read: 0, rejected: 0 });
        return stageFile(ctx, table, budget.internalConcurrency);
      });
      await retrying(run, ctx.file.path, () => prepare(file, staged, files));
      settle[index]?.(staged);
    } catch (error) {
      fail(file, error);
      settle[index]?.(null);
    }
  });
  return files;
}

/**
 * Readies a staged file for merging: its rows that would break a secondary unique key go to the
 * rejects (before anything is written), then resumable units from an interrupted run with the same
 * partitioning (fresh ones otherwise), and its "loading" manifest row written before any data lands.
 */
export function prepareMerge(run: RunContext, checks: UniqueChecks) {
  return async (file: KeyedFile, staged: StagedFile, files: KeyedFile[]): Promise<void> => {
    // The unique checks see the files in order: a file waits until those before it are ready.
    const earlier: StagedFile[] = [];
    if (checks.applies(file.ctx)) {
      for (const other of files.slice(0, files.indexOf(file))) {
        const done = await other.staged;
        if (done) earlier.push(done);
      }
    }
    await withClient(run.pool, async (client) => {
      staged.rows -= await checks.check(file.ctx, client, staged, earlier);
      const saved = await readProgress(client, run.plan.options.manifestSchema, fileKey(file.ctx));
      // A unit commits whole, so only finished units carry over, and only into the same units.
      const { resumeLayout } = file.ctx.file;
      const sameUnits = resumeLayout !== null && sameLayout(resumeLayout, { parts: run.partitions, bounds: run.bounds });
      const usable = sameUnits ? saved.filter((u) => u.parts === run.partitions && u.done) : [];
      file.units = Array.from({ length: run.partitions }, (_, p) => usable.find((u) => u.part === p) ?? freshProgress(p, run.partitions, run.plan.options.batchSize));
      const sum = (pick: (u: UnitProgress) => number) => file.units.reduce((n, u) => n + pick(u), 0);
      const { tracker } = file.ctx;
      tracker.counts.inserted = sum((u) => u.inserted);
      tracker.counts.updated = sum((u) => u.updated);
      tracker.counts.unchanged = sum((u) => u.unchanged);
      tracker.committedRows = tracker.counts.inserted + tracker.counts.updated;
      tracker.staged(staged.rows, tracker.committedRows + tracker.counts.unchanged);
      await recordFile(file.ctx, client, 'loading', { batchRows: run.plan.options.batchSize, batchesDone: 0, parts: run.partitions, bounds: run.bounds });
    });
  };
}

interface StagedKeyedFile {
  file: KeyedFile;
  staged: StagedFile;
}

/**
 * Waits for every file to stage (staging needs the pool's connections, so nothing after it may
 * hold one while waiting) and returns those that staged and have not failed, in file order.
 */
export async function stagedFiles(files: KeyedFile[]): Promise<StagedKeyedFile[]> {
  const ready: StagedKeyedFile[] = [];
  for (const file of files) {
    const staged = await file.staged;
    if (staged && !file.error) ready.push({ file, staged });
  }
  return ready;
}

/** Insert mode: a key already in the table, or in an earlier file, fails the file (as one-by-one would). */
async function refuseExistingKeys(run: RunContext, ready: StagedKeyedFile[]): Promise<void> {
  await withClient(run.pool, async (client) => {
    const accepted: string[] = [];
    for (const { file, staged } of ready) {
      const spec = mergeSpec(file.ctx, 'insert');
      const found = await client.query<Record<string, unknown>>(existingKeysSql(spec, staged.table.parent, accepted));
      const first = found.rows[0];
      if (!first) {
        accepted.push(staged.table.parent);
        continue;
      }
      const keys = found.rows.map((r) => `(${spec.key.map((k) => String(r[k])).join(', ')})`).join(', ');
      fail(file, new KeyloadError(ErrorCodes.duplicateKey, `Insert only: key(s) ${keys} already exist in ${displayName(run.plan.table)} or an earlier file`, {
        file: file.ctx.file.path,
        line: Number(first.line),
        hint: 'Use --mode upsert to update them or --mode ignore to skip them.',
      }));
    }
  });
}

/** The `error` policy: any key whose files disagree on its values stops the whole load. */
async function refuseDisagreements(run: RunContext, ready: StagedKeyedFile[]): Promise<void> {
  if (ready.length < 2) return;
  const key = run.plan.key ?? [];
  const columnSets = ready.map(({ file }) => new Set(file.ctx.file.mapping.mapped.map((m) => m.target)));
  const shared = [...(columnSets[0] ?? [])].filter((c) => !key.includes(c) && columnSets.every((set) => set.has(c)));
  const spec = { policy: 'last' as const, versionColumn: undefined };
  const found = await withClient(run.pool, (client) => client.query<Record<string, unknown> & { ranks: number[] }>(disagreementsSql(key, shared, ready.map((r) => r.staged.table.parent), spec, 20)));
  if (found.rows.length === 0) return;
  const names = (ranks: number[]) => ranks.map((r) => ready[r]?.file.ctx.file.path).join(' vs ');
  const listed = found.rows.map((r) => `(${key.map((k) => String(r[k])).join(', ')}) in ${names(r.ranks)}`).join('; ');
  const error = new KeyloadError(ErrorCodes.conflict, `The files disagree: ${found.rows.length}${found.rows.length === 20 ? '+' : ''} key(s) have different values in different files: ${listed}`, {
    hint: `Choose a policy (last, first, version:<column>), or run keyload preview to see every conflict. Key columns: ${list(key)}.`,
  });
  for (const { file } of ready) fail(file, error);
}

/** Takes a unit merged by an earlier run out of the file's counts, before it is merged again. */
function forgetUnit(file: KeyedFile, unit: UnitProgress): void {
  const { tracker } = file.ctx;
  tracker.counts.inserted -= unit.inserted;
  tracker.counts.updated -= unit.updated;
  tracker.counts.unchanged -= unit.unchanged;
  tracker.committedRows -= unit.inserted + unit.updated;
  tracker.merged(-(unit.inserted + unit.updated + unit.unchanged));
}

/** A file's unit of a partition that merges now. */
interface DueUnit extends StagedKeyedFile {
  unit: UnitProgress;
  /** An interrupted run merged it already; it merges again after an earlier file's unit. */
  again: boolean;
}

/**
 * The units of partition `part` to merge, in file order. A unit an interrupted run already merged
 * is skipped, unless an earlier file's unit of the same partition merges now (it had failed): then
 * the later file's unit merges again after it, as loading the files one by one would (upsert and
 * ignore write the same rows again; insert has no such case).
 */
function dueUnits(ready: StagedKeyedFile[], part: number, mode: KeyedMode): DueUnit[] {
  const due: DueUnit[] = [];
  for (const { file, staged } of ready) {
    const unit = file.units[part];
    if (file.error || !unit) continue;
    const again = unit.done && due.length > 0 && mode !== 'insert';
    if (!unit.done || again) due.push({ file, staged, unit, again });
  }
  return due;
}

/**
 * Merges the partition's units in one statement (partition-merge.ts). False, with nothing written,
 * when that failed for good: the caller merges them one at a time, which names the file at fault.
 */
async function mergeTogether(run: RunContext, part: number, sources: ContestingFile[], due: DueUnit[], mode: KeyedMode): Promise<boolean> {
  for (const { file } of due) file.ctx.tracker.stage('merging');
  const writers = due.map(({ file, staged, unit, again }) => ({ ctx: file.ctx, staged, again, unit: again ? freshProgress(part, run.partitions, run.plan.options.batchSize) : unit }));
  let merged: MergedPartition;
  try {
    merged = await mergePartition(run, part, sources, writers, mode);
  } catch (error) {
    if (run.signal?.aborted) {
      for (const { file } of due) fail(file, error);
      return true;
    }
    run.emit({ type: 'notice', message: `Merging partition ${part} of the files together failed (${toErrorInfo(error).message}); merging its files one at a time` });
    return false;
  }
  for (const source of sources) countSuperseded(source.ctx, merged.superseded.get(source.ctx.file.rank) ?? 0);
  for (const [i, { file, unit, again }] of due.entries()) {
    const next = merged.units[i];
    if (!next) continue;
    if (again) forgetUnit(file, unit);
    file.units[part] = next;
    countUnit(file.ctx, next, true);
  }
  return true;
}

/** Merges the partition's units one statement per file, each writing the contested keys it owns. */
async function mergeOneByOne(run: RunContext, part: number, files: KeyedFile[], due: DueUnit[], mode: KeyedMode, contested: ContestedPartitions): Promise<void> {
  let owners: ContestedKeys | null;
  try {
    owners = await retrying(run, 'Finding the keys several files hold', () => withClient(run.pool, (client) => contested.of(part, client)));
  } catch (error) {
    for (const file of files) fail(file, error);
    return;
  }
  for (const { file, staged, unit, again } of due) {
    if (again) forgetUnit(file, unit);
    try {
      file.ctx.tracker.stage('merging');
      file.units[part] = await retrying(run, file.ctx.file.path, (attempt) =>
        withClient(run.pool, async (client) => {
          const fresh = freshProgress(part, run.partitions, run.plan.options.batchSize);
          // After a failure, trust only what was committed: re-read this unit's progress (a unit
          // merging again has an earlier run's, so it starts over: writing it twice is harmless).
          const saved = attempt > 0 && !again ? (await readProgress(client, run.plan.options.manifestSchema, fileKey(file.ctx))).find((u) => u.part === part) : undefined;
          return mergeUnit(file.ctx, mergeSpec(file.ctx, mode), staged.table.partitions[part] ?? staged.table.parent, saved ?? (again ? fresh : unit), { client, contested: owners, inCallerTransaction: false });
        }),
      );
    } catch (error) {
      fail(file, error);
    }
  }
}

/**
 * Merges all files' units: partitions in parallel, files in order within each partition; together
 * in one statement per partition when `together` (the run's staged files) can, else one by one.
 */
async function mergeByPartition(run: RunContext, files: KeyedFile[], ready: StagedKeyedFile[], mode: KeyedMode, contested: ContestedPartitions, together: ContestingFile[] | null): Promise<void> {
  const partitions = Array.from({ length: run.partitions }, (_, p) => p);
  await mapLimit(partitions, run.budget.mergeWorkers, async (part) => {
    const due = dueUnits(ready, part, mode);
    if (together && (await mergeTogether(run, part, together, due, mode))) return;
    await mergeOneByOne(run, part, files, due, mode, contested);
  });
}

/**
 * --atomic-file: one transaction per file, files one after another. Insert files are recorded
 * loaded in their transaction; the others, as finishAll says, together at the end (a file whose
 * rows committed without being recorded merges whole again on a re-run, which rewrites its rows).
 */
async function mergeFileByFile(run: RunContext, files: KeyedFile[], mode: KeyedMode, contested: ContestedPartitions): Promise<void> {
  // Built before any file's transaction, so a file that rolls back cannot take them with it.
  await retrying(run, 'Finding the keys several files hold', () =>
    withClient(run.pool, async (client) => {
      for (let part = 0; part < run.partitions; part++) await contested.of(part, client);
    }),
  );
  for (const file of files) {
    const staged = await file.staged;
    if (!staged || file.error) continue;
    const { client, release } = await acquireClient(run.pool);
    let healthy = false;
    try {
      file.ctx.tracker.stage('merging');
      await inTransaction(client, async () => {
        for (const [part, unit] of file.units.entries()) {
          const owners = await contested.of(part, client);
          file.units[part] = await mergeUnit(file.ctx, mergeSpec(file.ctx, mode), staged.table.partitions[part] ?? staged.table.parent, unit, { client, contested: owners, inCallerTransaction: true });
        }
        if (mode === 'insert') await finishFile(run, file, staged, client);
      });
      healthy = true;
    } catch (error) {
      fail(file, error);
    } finally {
      release(!healthy);
    }
  }
}

/** Marks the file loaded (in the caller's transaction when there is one). */
async function finishFile(run: RunContext, file: KeyedFile, staged: StagedFile, client?: PoolClient): Promise<void> {
  const written = file.units.reduce((n, u) => n + u.inserted + u.updated + u.unchanged, 0);
  file.ctx.tracker.counts.collapsed = Math.max(0, staged.rows - written - file.ctx.tracker.counts.superseded);
  const shape = { batchRows: run.plan.options.batchSize, batchesDone: file.units.reduce((n, u) => n + u.batchesDone, 0), parts: run.partitions, bounds: run.bounds };
  if (client) return recordFile(file.ctx, client, 'loaded', shape);
  await retrying(run, file.ctx.file.path, () => withClient(run.pool, (held) => inTransaction(held, () => recordFile(file.ctx, held, 'loaded', shape))));
}

/**
 * Records the merged files as loaded. Which file owns a contested key depends on every file of the
 * run, so when one failed, none is recorded as loaded: they stay resumable, and a plain re-run
 * stages them all again, skips the units already merged and lets the repaired file take the keys it
 * owns, so the table ends as loading the whole list one by one. Insert mode has no owners (a key
 * in two files fails the later one), so its files are recorded on their own.
 */
async function finishAll(run: RunContext, files: KeyedFile[], mode: KeyedMode): Promise<void> {
  if (mode === 'insert' && run.plan.options.atomicFile) return; // recorded in their transactions
  const staged = await Promise.all(files.map((f) => f.staged));
  const failed = files.find((f, i) => f.error || !staged[i]);
  if (failed && mode !== 'insert') {
    const merged = files.filter((f) => !f.error).length;
    if (merged > 0) {
      run.emit({ type: 'notice', message: `${failed.ctx.file.path} failed, so the ${merged} merged file(s) stay resumable: a re-run loads it and keeps every key's winner as the file order decides` });
    }
    return;
  }
  for (const [i, file] of files.entries()) {
    const done = staged[i];
    if (done && !file.error) await finishFile(run, file, done).catch((error: unknown) => fail(file, error));
  }
}

/**
 * Insert and ignore keep the first row of a key. A file that failed on a transient error before its
 * keys were known (while staging) may hold keys of the files after it: those wait, failed, or their
 * rows would stay in place of its rows once a re-run loads it. Upsert needs no such wait: a re-run
 * merges the later files' units again after the repaired file (see mergeByPartition).
 */
function holdBackAfterUnknownKeys(files: KeyedFile[], mode: KeyedMode): void {
  if (mode !== 'insert' && mode !== 'ignore') return;
  const index = files.findIndex((f) => f.error && isTransient(f.error));
  const failed = files[index];
  if (!failed) return;
  const why = toErrorInfo(failed.error).message;
  for (const later of files.slice(index + 1)) {
    fail(later, new KeyloadError(ErrorCodes.dependencyFailed, `Not loaded: the earlier file ${failed.ctx.file.path} failed before its keys were known (${why}), and with --mode ${mode} the first row of a key wins`, {
      file: later.ctx.file.path,
      hint: 'Re-run the same command: it loads that file first, then this one.',
    }));
  }
}

/** Loads the files; returns each file's outcome, in the order of `contexts`. */
export async function loadKeyed(run: RunContext, contexts: FileContext[], mode: KeyedMode): Promise<FileOutcome[]> {
  const checks = new UniqueChecks(run, true);
  const files = stageAll(run, contexts, prepareMerge(run, checks));
  await stagedFiles(files);
  holdBackAfterUnknownKeys(files, mode);
  const staged = await stagedFiles(files);
  if (mode === 'insert') await retrying(run, 'Looking for keys the table already has', () => refuseExistingKeys(run, staged));
  if (run.plan.options.conflictPolicy === 'error') await retrying(run, 'Comparing the files', () => refuseDisagreements(run, staged));
  const merging = staged.filter((s) => !s.file.error).map((s) => ({ ctx: s.file.ctx, staged: s.staged }));
  const contested = new ContestedPartitions(run, merging, mode);
  try {
    if (run.plan.options.atomicFile) await mergeFileByFile(run, files, mode, contested);
    else await mergeByPartition(run, files, staged, mode, contested, mergesTogether(merging, mode) ? merging : null);
    await finishAll(run, files, mode);
  } finally {
    await retrying(run, 'Dropping the staging tables', async () => {
      const stages = await Promise.all(files.map((file) => file.staged));
      await dropStageTablesOver(run.pool, stages.flatMap((stage) => (stage ? [stage.table] : [])), run.budget.mergeWorkers);
      await withClient(run.pool, async (client) => {
        await checks.drop(client);
        await contested.drop(client);
      });
    });
  }
  return files.map((f) => keyedOutcome(run, f));
}
