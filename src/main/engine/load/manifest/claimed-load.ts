// The --claim loop: `concurrency` lanes each claim a file, load it while renewing the lease, and
// claim the next, until no file of the list is queued or held by a live claimer. Files another
// process loaded (or failed) are reported as skipped. Every claim, lease and mark query goes through
// the run's retry window, so a server restart does not end the claimers.
import { hostname } from 'node:os';
import type { PoolClient } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, KeyloadError } from '../../../../shared/errors.ts';
import { toErrorInfo } from '../../error-info.ts';
import { displayName } from '../../sql/identifiers.ts';
import { claimNext, claimStates, enqueue, markFailed, renewLease, type ClaimTarget } from './claim.ts';
import { mapLimit } from '../runtime/concurrency.ts';
import { checkCancelled, fileKey, type FileContext, type RunContext } from '../file-context.ts';
import { loadKeyed } from '../merge/keyed-load.ts';
import type { KeyedMode } from '../merge/sql.ts';
import { fileOutcome, type FileOutcome } from '../outcome.ts';
import { withClient } from '../runtime/pool-client.ts';
import { retrying } from '../runtime/retry.ts';
import { runTag } from '../stage/stage.ts';

export type FileLoader = (ctx: FileContext) => Promise<FileOutcome>;

/** One claim query on a pooled connection, retried like every other query of the run. */
function claimQuery<T>(run: RunContext, subject: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  return retrying(run, subject, () => withClient(run.pool, work));
}

interface Lease {
  /** Aborted, with the reason, once the file is no longer ours. */
  lost: AbortSignal;
  /** Stops renewing; resolves once no renewal is in flight. */
  stop(): Promise<void>;
}

/**
 * Renews the lease every third of its length. A renewal that meets a server restart is retried
 * within the retry window (the next one waits for it, so they never pile up); the lease is lost
 * when another claimer took the file over meanwhile, or when the renewal failed for good.
 */
function keepLease(run: RunContext, target: ClaimTarget, sha: string, path: string): Lease {
  const lost = new AbortController();
  const stopped = new AbortController();
  const renewals = (async () => {
    while (!stopped.signal.aborted) {
      await sleep((target.leaseSeconds * 1000) / 3, undefined, { signal: stopped.signal }).catch(() => {});
      if (stopped.signal.aborted) return;
      try {
        if (await claimQuery(run, `${path} (renewing the claim)`, (client) => renewLease(client, target, sha))) continue;
        lost.abort(new KeyloadError(ErrorCodes.cancelled, 'Lost the claim on this file (lease ran out); another process took it over', { file: path }));
      } catch (error) {
        lost.abort(new KeyloadError(ErrorCodes.cancelled, `Lost the claim on this file: could not renew its lease (${toErrorInfo(error).message})`, { file: path }));
      }
      return;
    }
  })();
  return {
    lost: lost.signal,
    stop: () => {
      stopped.abort();
      return renewals;
    },
  };
}

/** Loads one claimed file while keeping its lease; a lost lease cancels the load and fails the file. */
async function loadClaimedFile(run: RunContext, ctx: FileContext, target: ClaimTarget, loadOne: FileLoader): Promise<FileOutcome> {
  const sha = fileKey(ctx).sha256;
  const lease = keepLease(run, target, sha, ctx.file.path);
  const signals = [lease.lost, ...(run.signal ? [run.signal] : [])];
  const claimRun: RunContext = { ...run, signal: AbortSignal.any(signals) };
  let outcome: FileOutcome;
  try {
    outcome = await loadOne({ ...ctx, run: claimRun });
  } finally {
    await lease.stop();
  }
  if (lease.lost.aborted) {
    // A lost lease fails the file, however its load ended; only the user's cancel (run.signal) cancels it.
    outcome = fileOutcome((lease.lost.reason as KeyloadError).toInfo(), ctx.tracker, run.signal);
  }
  if ('error' in outcome) {
    const { message } = outcome.error;
    await claimQuery(run, `${ctx.file.path} (marking it failed)`, (client) => markFailed(client, target, sha, message));
  }
  return outcome;
}

/** Every file's outcome, in the order of `contexts`. */
export async function loadClaimed(run: RunContext, contexts: FileContext[], loadOne: FileLoader): Promise<FileOutcome[]> {
  const { plan } = run;
  const target: ClaimTarget = {
    schema: plan.options.manifestSchema,
    table: displayName(plan.table),
    claimer: `${hostname()}/${process.pid}/${runTag(plan.runId)}`,
    leaseSeconds: plan.options.leaseSeconds,
  };
  const shas = contexts.map((c) => fileKey(c).sha256);
  await claimQuery(run, 'Registering the files to claim', (client) =>
    enqueue(client, target, contexts.map((c) => ({
      sha256: fileKey(c).sha256,
      path: c.file.path,
      sizeBytes: c.file.info.totalBytes,
      mtime: new Date(c.file.info.mtimeMs),
      mode: plan.options.mode,
      batchRows: plan.options.batchSize,
      runId: plan.runId,
    }))),
  );
  const outcomes = new Map<string, FileOutcome>();
  const lane = async () => {
    for (;;) {
      checkCancelled(run.signal);
      const sha = await claimQuery(run, 'Claiming a file', (client) => claimNext(client, target, shas));
      if (sha) {
        const ctx = contexts.find((c) => fileKey(c).sha256 === sha);
        if (!ctx) throw new KeyloadError(ErrorCodes.internal, `Claimed a file that is not in this run (${sha})`);
        outcomes.set(sha, await loadClaimedFile(run, ctx, target, loadOne));
        continue;
      }
      const states = await claimQuery(run, 'Reading the claims', (client) => claimStates(client, target, shas));
      const othersBusy = [...states.values()].some((s) => s.status === 'queued' || (s.status === 'loading' && s.claimedBy !== target.claimer));
      if (!othersBusy) return;
      // Wait for other claimers to finish, or for a dead claimer's lease to run out.
      await sleep(Math.min(1000, (target.leaseSeconds * 1000) / 4));
    }
  };
  await mapLimit(Array.from({ length: run.budget.concurrency }, (_, i) => i), run.budget.concurrency, lane);
  const finalStates = await claimQuery(run, 'Reading the claims', (client) => claimStates(client, target, shas));
  return shas.map((sha): FileOutcome => {
    const outcome = outcomes.get(sha);
    if (outcome) return outcome;
    const state = finalStates.get(sha);
    return { status: 'skipped', reason: state?.status === 'failed' ? `failed in another process (${state.claimedBy})` : `loaded by another process (${state?.claimedBy ?? 'unknown'})` };
  });
}

/** Keyed modes load a claimed file as a one-file run. */
export function keyedLoader(mode: KeyedMode): FileLoader {
  return async (ctx) => {
    const [outcome] = await loadKeyed(ctx.run, [ctx], mode);
    if (!outcome) throw new KeyloadError(ErrorCodes.internal, 'The keyed load reported no outcome', { file: ctx.file.path });
    return outcome;
  };
}
