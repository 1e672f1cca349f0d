// What the loaders share: the run (plan, pool, limits) and, per file, its tracker and rejects file,
// plus the two things every loader does: stream the file's COPY batches from its reader worker (one
// batch prefetched, so parsing overlaps the database work) and route rejected rows.
import type { Pool } from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { LoadEvent } from '../../../shared/load-types.ts';
import type { CopyBatch, FileInfo } from '../reader/protocol.ts';
import { ReaderClient } from '../reader/reader-client.ts';
import { displayName, qualifiedName } from '../sql/identifiers.ts';
import type { ColumnMapping } from '../target/mapping.ts';
import type { FileKey } from './manifest/manifest.ts';
import type { UndoRecording } from '../undo/sql.ts';
import type { MergeSpec } from './merge/sql.ts';
import { openOptions } from './open-options.ts';
import type { LoadPlan, PlannedFile } from './plan.ts';
import type { PoolBudget } from './runtime/pool-budget.ts';
import type { FileTracker } from './progress.ts';
import type { RejectedRow } from './stage/rejects-file.ts';
import type { KeyBounds } from './stage/unit-layout.ts';
import type { StagedColumn, ValidationSupport } from './stage/validation.ts';

export interface ReadyFile extends PlannedFile {
  info: FileInfo;
  mapping: ColumnMapping;
}

/** A planned file that can be loaded: planning read it and mapped its columns, and found no problem. */
export function isReadyFile(file: PlannedFile): file is ReadyFile {
  return file.info !== null && file.mapping !== null && file.error === null && !file.empty;
}

export interface RunContext {
  plan: LoadPlan;
  pool: Pool;
  budget: PoolBudget;
  support: ValidationSupport;
  /** Partitions of the key: the merge units of every file. */
  partitions: number;
  /** The units' key ranges; null: hash partitions (unit-layout.ts). */
  bounds: KeyBounds | null;
  /** Take a transaction-level advisory lock per partition while merging (--claim). */
  partitionLocks: boolean;
  signal: AbortSignal | undefined;
  emit: (event: LoadEvent) => void;
  /** Where the run records its undo state; null when it keeps none. */
  undo: UndoRecording | null;
}

/** Where a file's rejected rows go: a rejects CSV for loads, a table for previews. */
export interface RejectSink {
  write(rows: RejectedRow[]): Promise<void>;
}

export interface FileContext {
  run: RunContext;
  file: ReadyFile;
  tracker: FileTracker;
  rejects: RejectSink;
}

export function fileKey(ctx: FileContext): FileKey {
  return { sha256: ctx.file.info.sha256 ?? '', targetTable: displayName(ctx.run.plan.table) };
}

export function stagedColumns(ctx: FileContext): StagedColumn[] {
  const columns = new Map(ctx.run.plan.target.columns.map((c) => [c.name, c]));
  const key = new Set(ctx.run.plan.key ?? []);
  return ctx.file.mapping.mapped.map((m) => {
    const column = columns.get(m.target);
    return { name: m.target, type: column?.type ?? 'text', required: key.has(m.target) || (column?.notNull ?? false), collation: column?.collation ?? null };
  });
}

export function mergeSpec(ctx: FileContext, mode: MergeSpec['mode']): MergeSpec {
  const { plan } = ctx.run;
  const columns = stagedColumns(ctx).map((c) => c.name);
  const byName = new Map(plan.target.columns.map((c) => [c.name, c]));
  return {
    target: qualifiedName(plan.table),
    columns,
    key: plan.key ?? [],
    mode,
    policy: plan.options.conflictPolicy,
    ...(plan.options.touchColumn ? { touchColumn: plan.options.touchColumn } : {}),
    ...(plan.options.versionColumn ? { versionColumn: plan.options.versionColumn } : {}),
    incomparable: new Set(columns.filter((c) => byName.get(c)?.comparable === false)),
    identityAlways: columns.some((c) => byName.get(c)?.identityAlways),
    // A replace keeps the whole previous table instead (replace-load.ts).
    ...(ctx.run.undo && plan.options.mode !== 'replace' ? { undo: ctx.run.undo } : {}),
  };
}

export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new KeyloadError(ErrorCodes.cancelled, 'Load cancelled');
}

export async function acceptRejects(ctx: FileContext, rows: RejectedRow[]): Promise<void> {
  const [first] = rows;
  if (!first) return;
  if (ctx.run.plan.options.onError === 'abort') {
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

/** Chunks requested ahead, so the reader keeps working while the database commits. */
const READ_AHEAD = 4;

/**
 * Yields the file's rows in chunks of at most `chunkRows`, in order, never crossing a multiple of
 * `alignTo` rows (rejected rows count too, so boundaries depend only on the file).
 */
export async function* readBatches(ctx: FileContext, chunkRows: number, prefixed: boolean, alignTo?: number): AsyncGenerator<CopyBatch> {
  const reader = new ReaderClient(ctx.file.path);
  const indexes = ctx.file.mapping.mapped.map((m) => m.sourceIndex);
  const ahead: Promise<CopyBatch | null>[] = [];
  try {
    await reader.open(openOptions(ctx.run.plan.options, ctx.file.path), false);
    const request = () => ahead.push(reader.pull(indexes, chunkRows, prefixed, alignTo));
    for (let i = 0; i < READ_AHEAD; i++) request();
    for (;;) {
      const batch = await ahead.shift();
      if (!batch) break;
      request();
      checkCancelled(ctx.run.signal);
      ctx.tracker.counts.read = batch.rowsRead;
      await acceptRejects(ctx, batch.rejects.map((r) => ({ ...r, column: r.column ?? null })));
      yield batch;
      ctx.tracker.update(batch.bytesRead);
    }
  } finally {
    for (const pending of ahead) pending.catch(() => {});
    await reader.close();
  }
}
