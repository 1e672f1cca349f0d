// The --claim loop: `concurrency` lanes each claim a file, load it while renewing the lease, and
// claim the next, until no file of the list is queued or held by a live claimer. Files another
// process loaded (or failed) are reported as skipped.
import { hostname } from 'node:os';
import type { PoolClient } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, KeyloadError } from '../../../../shared/errors.ts';
import { displayName } from '../../sql/identifiers.ts';
import { claimNext, claimStates, enqueue, markFailed, renewLease, type ClaimTarget } from './claim.ts';
import { mapLimit } from '../runtime/concurrency.ts';
import { checkCancelled, fileKey, type FileContext, type RunContext } from '../file-context.ts';
import { loadKeyed } from '../merge/keyed-load.ts';
import type { KeyedMode } from '../merge/sql.ts';
import { fileOutcome, type FileOutcome } from '../outcome.ts';
import { acquireClient } from '../runtime/pool-client.ts';
import { runTag } from '../stage/stage.ts';

export type FileLoader = (ctx: FileContext) => Promise<FileOutcome>;

async function withClient<T>(run: RunContext, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await acquireClient(run.pool);
  try {
    return await work(client);
  } finally {
    release(false);
  }
}

/** Loads one claimed file; the lease is renewed every third of its length, and a lost lease cancels the load. */
async function loadClaimedFile(run: RunContext, ctx: FileContext, target: ClaimTarget, loadOne: FileLoader): Promise<FileOutcome> {
  const lost = new AbortController();
  const sha = fileKey(ctx).sha256;
  const heartbeat = setInterval(() => {
    withClient(run, (client) => renewLease(client, target, sha))
      .then((ours) => {
        if (!ours) lost.abort();
      })
      .catch(() => {}); // a missed heartbeat is retried at the next tick; the lease has slack
  }, (target.leaseSeconds * 1000) / 3);
  const signals = [lost.signal, ...(run.signal ? [run.signal] : [])];
  const claimRun: RunContext = { ...run, signal: AbortSignal.any(signals) };
  try {
    let outcome = await loadOne({ ...ctx, run: claimRun });
    if (lost.signal.aborted) {
      // A lost lease fails the file, however its load ended; only the user's cancel (run.signal) cancels it.
      const lostClaim = new KeyloadError(ErrorCodes.cancelled, 'Lost the claim on this file (lease ran out); another process took it over', { file: ctx.file.path });
      outcome = fileOutcome(lostClaim.toInfo(), ctx.tracker, run.signal);
    }
    if ('error' in outcome) await withClient(run, (client) => markFailed(client, target, sha, outcome.error.message));
    return outcome;
  } finally {
    clearInterval(heartbeat);
  }
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
  await withClient(run, (client) =>
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
      const sha = await withClient(run, (client) => claimNext(client, target, shas));
      if (sha) {
        const ctx = contexts.find((c) => fileKey(c).sha256 === sha);
        if (!ctx) throw new KeyloadError(ErrorCodes.internal, `Claimed a file that is not in this run (${sha})`);
        outcomes.set(sha, await loadClaimedFile(run, ctx, target, loadOne));
        continue;
      }
      const states = await withClient(run, (client) => claimStates(client, target, shas));
      const othersBusy = [...states.values()].some((s) => s.status === 'queued' || (s.status === 'loading' && s.claimedBy !== target.claimer));
      if (!othersBusy) return;
      // Wait for other claimers to finish, or for a dead claimer's lease to run out.
      await sleep(Math.min(1000, (target.leaseSeconds * 1000) / 4));
    }
  };
  await mapLimit(Array.from({ length: run.budget.concurrency }, (_, i) => i), run.budget.concurrency, lane);
  const finalStates = await withClient(run, (client) => claimStates(client, target, shas));
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
