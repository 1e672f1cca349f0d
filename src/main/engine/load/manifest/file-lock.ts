// One load per (file content, table) across runs, without --claim. Before a file loads, the run
// takes an advisory lock on (sha256, table) and reads the manifest again: a run that finds the lock
// taken waits for it, and once it holds it skips a file that was loaded meanwhile, or resumes one
// left "loading" (its loader died or failed). The lock lives on the coordinator session, so it ends
// with the run, however the run ends. Session locks are re-entrant, so files of one run with the
// same content take turns in-process as well.
import type { PoolClient } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { toErrorInfo } from '../../error-info.ts';
import { displayName } from '../../sql/identifiers.ts';
import { checkCancelled, fileKey, type FileContext } from '../file-context.ts';
import { fileOutcome, type FileOutcome } from '../outcome.ts';
import { ADVISORY_UNLOCK_SQL, TRY_ADVISORY_LOCK_SQL } from '../runtime/sql.ts';
import { readManifest } from './manifest.ts';

const FILE_LOCK = 0x4b4c4631; // "KLF1"
/**
 * The coordinator session is shared by every lane of the run, so a blocking pg_advisory_lock would
 * stall them all: a waiting lane tries again at this interval instead.
 */
const RETRY_MS = 250;

export const LOADED_MEANWHILE = 'already loaded (by a run that loaded it while this one waited)';

/** Whether the manifest now says the file is loaded into the run's table, by a row that still counts. */
export async function loadedMeanwhile(client: PoolClient, ctx: FileContext): Promise<boolean> {
  const { plan } = ctx.run;
  if (plan.options.force || !ctx.file.info.sha256) return false;
  const record = await readManifest(client, plan.options.manifestSchema, ctx.file.info.sha256, plan.table);
  return record?.status === 'loaded' && !record.stale;
}

/** Loads `contexts` minus the files loaded meanwhile, which are skipped; outcomes in the order of `contexts`. */
export async function skipLoadedMeanwhile(
  client: PoolClient,
  contexts: FileContext[],
  load: (rest: FileContext[]) => Promise<FileOutcome[]>,
): Promise<FileOutcome[]> {
  const loaded: boolean[] = [];
  for (const ctx of contexts) loaded.push(await loadedMeanwhile(client, ctx));
  const rest = contexts.filter((_, i) => !loaded[i]);
  const outcomes = rest.length > 0 ? await load(rest) : [];
  let next = 0;
  return contexts.map((_, i): FileOutcome => (loaded[i] ? { status: 'skipped', reason: LOADED_MEANWHILE } : (outcomes[next++] as FileOutcome)));
}

export class FileLocks {
  private readonly turns = new Map<string, Promise<unknown>>();
  private readonly coordinator: PoolClient;

  constructor(coordinator: PoolClient) {
    this.coordinator = coordinator;
  }

  /** Runs `load` holding the file's lock, unless the file was loaded meanwhile. */
  once(ctx: FileContext, load: () => Promise<FileOutcome>): Promise<FileOutcome> {
    const { sha256, targetTable } = fileKey(ctx);
    const key = `${sha256} ${targetTable}`;
    const turn = (this.turns.get(key) ?? Promise.resolve())
      .then(() => this.locked(ctx, key, load))
      .catch((error: unknown) => fileOutcome(toErrorInfo(error, ctx.file.path), ctx.tracker, ctx.run.signal));
    this.turns.set(key, turn);
    return turn;
  }

  private async locked(ctx: FileContext, key: string, load: () => Promise<FileOutcome>): Promise<FileOutcome> {
    await this.acquire(ctx, key);
    try {
      if (await loadedMeanwhile(this.coordinator, ctx)) return { status: 'skipped', reason: LOADED_MEANWHILE };
      return await load();
    } finally {
      // A broken coordinator fails the run anyway, and its session's locks end with it.
      await this.coordinator.query(ADVISORY_UNLOCK_SQL, [FILE_LOCK, key]).catch(() => {});
    }
  }

  private async acquire(ctx: FileContext, key: string): Promise<void> {
    const { signal } = ctx.run;
    for (let waited = false; ; waited = true) {
      checkCancelled(signal);
      const taken = await this.coordinator.query<{ ok: boolean }>(TRY_ADVISORY_LOCK_SQL, [FILE_LOCK, key]);
      if (taken.rows[0]?.ok) return;
      if (!waited) ctx.run.emit({ type: 'notice', message: `${ctx.file.path}: another run is loading the same file into ${displayName(ctx.run.plan.table)}; waiting for it` });
      await sleep(RETRY_MS, undefined, signal ? { signal } : {}).catch(() => {}); // a cancel is reported by checkCancelled
    }
  }
}
