// Merging one unit (a file's hash partition) into the target, in one statement. On its own, the
// unit commits with its progress row, so an interrupted file resumes after its last merged unit;
// inside a caller's transaction (--atomic-file, replace) it just runs.
import type { PoolClient } from 'pg';
import { checkCancelled, fileKey, type FileContext } from '../file-context.ts';
import { writeProgress, type UnitProgress } from '../manifest/manifest.ts';
import { HASH_ANTI_JOIN, unitMergeSql, type ContestedKeys, type MergeSpec } from './sql.ts';
import { lockPartition } from '../runtime/run-locks.ts';
import { inTransaction } from '../runtime/transaction.ts';

export function freshProgress(part: number, parts: number, batchRows: number): UnitProgress {
  return { part, parts, batchRows, batchesDone: 0, done: false, inserted: 0, updated: 0, unchanged: 0 };
}

export interface UnitTarget {
  client: PoolClient;
  /** The partition's keys several files hold, with their owners; null when every file writes all its keys. */
  contested: ContestedKeys | null;
  /** The caller holds a transaction around the whole unit: no commit or progress row of its own. */
  inCallerTransaction: boolean;
}

export async function mergeUnit(ctx: FileContext, spec: MergeSpec, source: string, progress: UnitProgress, target: UnitTarget): Promise<UnitProgress> {
  if (progress.done) return progress;
  checkCancelled(ctx.run.signal);
  const sql = unitMergeSql(spec, source, target.contested, ctx.file.rank);
  const merge = async (): Promise<UnitProgress> => {
    if (ctx.run.partitionLocks) await lockPartition(target.client, ctx.run.plan.table, progress.part);
    if (target.contested) await target.client.query(HASH_ANTI_JOIN);
    const result = await target.client.query<{ inserted: string; updated: string; total: string }>(sql);
    const row = result.rows[0];
    const inserted = Number(row?.inserted ?? 0);
    const updated = Number(row?.updated ?? 0);
    const total = Number(row?.total ?? 0);
    const next: UnitProgress = { ...progress, batchesDone: progress.batchesDone + 1, done: true, inserted, updated, unchanged: total - inserted - updated };
    if (!target.inCallerTransaction) await writeProgress(target.client, ctx.run.plan.options.manifestSchema, fileKey(ctx), next);
    return next;
  };
  const next = target.inCallerTransaction ? await merge() : await inTransaction(target.client, merge, true);
  // Inside a caller's transaction nothing is committed until the caller commits.
  countUnit(ctx, next, !target.inCallerTransaction);
  return next;
}

/** Adds a merged unit to its file's counts and progress; `committed` when its transaction has committed. */
export function countUnit(ctx: FileContext, unit: UnitProgress, committed: boolean): void {
  const { counts } = ctx.tracker;
  counts.inserted += unit.inserted;
  counts.updated += unit.updated;
  counts.unchanged += unit.unchanged;
  if (committed) ctx.tracker.committedRows += unit.inserted + unit.updated;
  ctx.tracker.merged(unit.inserted + unit.updated + unit.unchanged);
  ctx.tracker.update();
}
