// A cross-process lock on one file, created with O_EXCL. A lock whose holder has died (same host) or
// that is older than staleMs is broken, so a crash never blocks the next run for long.
import { randomUUID } from 'node:crypto';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';

export interface FileLockOptions {
  /** A lock older than this is considered abandoned. */
  staleMs?: number;
  /** Give up waiting after this long. */
  timeoutMs?: number;
  /** What is being waited for, for the error message. */
  what?: string;
}

interface LockContent {
  pid: number;
  host: string;
  token: string;
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseLock(text: string): LockContent | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    return typeof value.pid === 'number' && typeof value.host === 'string' ? (value as LockContent) : undefined;
  } catch {
    return undefined; // being written right now, or garbage
  }
}

async function isStale(lockPath: string, text: string, staleMs: number): Promise<boolean> {
  const holder = parseLock(text);
  if (holder && holder.host === hostname() && !processExists(holder.pid)) return true;
  const info = await stat(lockPath).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > staleMs;
}

/** Moves the stale lock aside atomically; if it turns out someone replaced it meanwhile, puts theirs back. */
async function breakLock(lockPath: string, seen: string): Promise<void> {
  const aside = `${lockPath}.${randomUUID()}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // someone else broke or released it
  }
  const moved = await readFile(aside, 'utf8').catch(() => seen);
  if (moved !== seen) await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 180_000;
  const deadline = Date.now() + (options.timeoutMs ?? staleMs + 60_000);
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), token: randomUUID() } satisfies LockContent);
  for (;;) {
    try {
      await writeFile(lockPath, mine, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new KeyloadError(ErrorCodes.localDb, `Cannot create the lock file ${lockPath}: ${(error as Error).message}`, { cause: error });
      }
    }
    const text = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released between our attempt and the read
    if (await isStale(lockPath, text, staleMs)) {
      await breakLock(lockPath, text);
      continue;
    }
    if (Date.now() > deadline) {
      throw new KeyloadError(ErrorCodes.localDb, `Timed out waiting for another Keyload process (${options.what ?? 'lock'})`, {
        hint: `If no other Keyload is running, delete ${lockPath}`,
      });
    }
    await sleep(50 + Math.random() * 100);
  }
  try {
    return await fn();
  } finally {
    const text = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (text === mine) await unlink(lockPath).catch(() => undefined);
  }
}
