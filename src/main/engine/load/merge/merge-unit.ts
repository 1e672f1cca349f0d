// Merging one unit (a file's hash partition) into the target, a sub-batch at a time. On its own,
// each sub-batch commits with its progress row, so an interrupted unit resumes after its last
// commit; inside a caller's transaction (--atomic-file, replace) it just runs.
import type { PoolClient } from 'pg';
import { checkCancelled, fileKey, type FileContext } from '../file-context.ts';
import { writeProgress, type UnitProgress } from '../manifest/manifest.ts';
import { unitMergeSql, type MergeSpec } from './sql.ts';
import { lockPartition } from '../runtime/run-locks.ts';
import { inTransaction } from '../runtime/transaction.ts';

export function freshProgress(part: number, parts: number, batchRows: number): UnitProgress {
  return { part, parts, batchRows, batchesDone: 0, done: false, inserted: 0, updated: 0, unchanged: 0 };
}

export interface UnitTarget {
  client: PoolClient;
  /** The same partition of the files before this one (the `first` policy skips keys they hold). */
  earlier: string[];
  /** The caller holds a transaction around the whole unit: no per-batch commits or progress rows. */
  inCallerTransaction: boolean;
}

export async function mergeUnit(ctx: FileContext, spec: MergeSpec, source: string, progress: UnitProgress, target: UnitTarget): Promise<UnitProgress> {
  const sql = unitMergeSql(spec, source, target.earlier);
  const counts = ctx.tracker.counts;
  let current = progress;
  while (!current.done) {
    checkCancelled(ctx.run.signal);
    const batch = async (): Promise<UnitProgress> => {
      if (ctx.run.partitionLocks) await lockPartition(target.client, ctx.run.plan.table, current.part);
      const result = await target.client.query<{ inserted: string; updated: string; total: string }>(sql, [current.batchRows, current.batchesDone * current.batchRows]);
      const row = result.rows[0];
      const inserted = Number(row?.inserted ?? 0);
      const updated = Number(row?.updated ?? 0);
      const total = Number(row?.total ?? 0);
      const next: UnitProgress = {
        ...current,
        batchesDone: current.batchesDone + 1,
        done: total < current.batchRows,
        inserted: current.inserted + inserted,
        updated: current.updated + updated,
        unchanged: current.unchanged + total - inserted - updated,
      };
      if (!target.inCallerTransaction) await writeProgress(target.client, ctx.run.plan.options.manifestSchema, fileKey(ctx), next);
      return next;
    };
    const next = target.inCallerTransaction ? await batch() : await inTransaction(target.client, batch, true);
    const written = next.inserted - current.inserted + next.updated - current.updated;
    counts.inserted += next.inserted - current.inserted;
    counts.updated += next.updated - current.updated;
    counts.unchanged += next.unchanged - current.unchanged;
    // Inside a caller's transaction nothing is committed until the caller commits.
    if (!target.inCallerTransaction) ctx.tracker.committedRows += written;
    ctx.tracker.merged(written + next.unchanged - current.unchanged);
    current = next;
    ctx.tracker.update();
  }
  return current;
}
