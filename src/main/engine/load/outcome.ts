// How one file's load ended, as every loader reports it: one discriminated union instead of a mix
// of null, thrown values and markers, so the run's report is a plain mapping from it.
import { ErrorCodes, type ErrorInfo } from '../../../shared/errors.ts';
import { toErrorInfo } from '../error-info.ts';
import type { FileContext } from './file-context.ts';
import type { FileTracker } from './progress.ts';

export type FileOutcome =
  | { status: 'loaded' }
  /** It failed after `committedRows` rows were committed; they stay, and a re-run resumes the file. */
  | { status: 'partly-loaded'; committedRows: number; error: ErrorInfo }
  | { status: 'failed'; error: ErrorInfo }
  | { status: 'skipped'; reason: string }
  /** The user stopped it; `error` is the cancel itself (the claim queue records it). */
  | { status: 'cancelled'; committedRows: number; error: ErrorInfo };

export const EMPTY_FILE = 'empty file: nothing to load';

/**
 * A file's outcome from the error that stopped its load (null: the load ran to the end). The user's
 * cancel makes it cancelled, whatever was committed; rows committed before a failure make it partly
 * loaded; a load that read no row was of an empty file.
 */
export function fileOutcome(error: ErrorInfo | null, tracker: FileTracker, signal: AbortSignal | undefined): FileOutcome {
  const { committedRows } = tracker;
  if (!error) return tracker.counts.read === 0 ? { status: 'skipped', reason: EMPTY_FILE } : { status: 'loaded' };
  if (error.code === ErrorCodes.cancelled && signal?.aborted) return { status: 'cancelled', committedRows, error };
  return committedRows > 0 ? { status: 'partly-loaded', committedRows, error } : { status: 'failed', error };
}

/** The outcome of one file's load work, once it settles. */
export function outcomeOf(ctx: FileContext, work: Promise<unknown>): Promise<FileOutcome> {
  const { tracker } = ctx;
  return work.then(
    () => fileOutcome(null, tracker, ctx.run.signal),
    (error: unknown) => fileOutcome(toErrorInfo(error, ctx.file.path), tracker, ctx.run.signal),
  );
}
