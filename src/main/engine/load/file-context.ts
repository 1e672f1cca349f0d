// What every loader needs for one file, plus the two things they all do: stream the file's COPY
// batches from its reader worker (one batch prefetched, so parsing overlaps the database work)
// and route rejected rows to the rejects file, or fail the file under --on-error abort.
import type { PoolClient } from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { CopyBatch, FileInfo } from '../reader/protocol.ts';
import { ReaderClient } from '../reader/reader-client.ts';
import type { ColumnMapping } from '../target/mapping.ts';
import { openOptions, type LoadPlan, type PlannedFile } from './plan.ts';
import type { FileTracker } from './progress.ts';
import type { RejectedRow, RejectsFile } from './rejects-file.ts';
import type { StagedColumn, ValidationSupport } from './validation.ts';

export interface ReadyFile extends PlannedFile {
  info: FileInfo;
  mapping: ColumnMapping;
}

export interface FileContext {
  client: PoolClient;
  plan: LoadPlan;
  file: ReadyFile;
  tracker: FileTracker;
  rejects: RejectsFile;
  support: ValidationSupport;
  signal: AbortSignal | undefined;
}

export function stagedColumns(ctx: FileContext): StagedColumn[] {
  const columns = new Map(ctx.plan.target.columns.map((c) => [c.name, c]));
  const key = new Set(ctx.plan.key ?? []);
  return ctx.file.mapping.mapped.map((m) => {
    const column = columns.get(m.target);
    return { name: m.target, type: column?.type ?? 'text', required: key.has(m.target) || (column?.notNull ?? false) };
  });
}

export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new KeyloadError(ErrorCodes.cancelled, 'Load cancelled');
}

export async function acceptRejects(ctx: FileContext, rows: RejectedRow[]): Promise<void> {
  if (rows.length === 0) return;
  const first = rows[0] as RejectedRow;
  if (ctx.plan.options.onError === 'abort') {
    throw new KeyloadError(ErrorCodes.rowRejected, `Row rejected: ${first.reason}`, {
      file: ctx.file.path,
      line: first.line,
      ...(first.column ? { column: first.column } : {}),
      hint: 'Run without --on-error abort to load the good rows and write the bad ones to a rejects file.',
    });
  }
  ctx.tracker.counts.rejected += rows.length;
  await ctx.rejects.write(rows);
}

/** Yields the file's batches in order; `rowsPerBatch` counts rejected rows too, so batches are stable. */
export async function* readBatches(ctx: FileContext, rowsPerBatch: number, prefixed: boolean): AsyncGenerator<CopyBatch> {
  const reader = new ReaderClient(ctx.file.path);
  const indexes = ctx.file.mapping.mapped.map((m) => m.sourceIndex);
  let next: Promise<CopyBatch | null> | undefined;
  try {
    await reader.open(openOptions(ctx.plan.options), false);
    next = reader.pull(indexes, rowsPerBatch, prefixed);
    for (;;) {
      const batch = await next;
      if (!batch) break;
      next = reader.pull(indexes, rowsPerBatch, prefixed);
      checkCancelled(ctx.signal);
      ctx.tracker.counts.read = batch.rowsRead;
      await acceptRejects(ctx, batch.rejects.map((r) => ({ ...r, column: null })));
      yield batch;
      ctx.tracker.update(batch.bytesRead);
    }
    next = undefined;
  } finally {
    next?.catch(() => {});
    await reader.close();
  }
}
