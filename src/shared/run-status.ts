// A whole run's status from its result, the same on the main side (history) and in the renderer.
import { ErrorCodes } from './errors.ts';
import type { RunSummary } from './ipc/contract.ts';
import type { FileResult, LoadResult } from './load-types.ts';

/** A file the user stopped; older engines reported it as failed with KEYLOAD_CANCELLED. */
export function isCancelled(file: FileResult): boolean {
  return file.status === 'cancelled' || file.error?.code === ErrorCodes.cancelled;
}

/** Cancelled wins: it is what the user did. Then any file that committed part of its rows. */
export function runStatus(result: LoadResult): Exclude<RunSummary['status'], 'running'> {
  if (result.files.some(isCancelled)) return 'cancelled';
  if (result.files.some((file) => file.status === 'partly-loaded')) return 'partly loaded';
  return result.exitCode === 1 ? 'failed' : result.exitCode === 3 ? 'loaded with rejects' : 'loaded';
}
