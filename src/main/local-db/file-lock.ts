// A cross-process lock on the local database's folder, so only one Keyload starts or stops it at a
// time. proper-lockfile keeps the lock fresh while it is held; a crashed holder's lock goes stale
// after STALE_MS and is then taken over, so a crash never blocks the next run for long.
import lockfile from 'proper-lockfile';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';

const STALE_MS = 10_000;

export interface FileLockOptions {
  /** Give up waiting after this long. */
  timeoutMs?: number;
  /** What is being waited for, for the error message. */
  what?: string;
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 180_000;
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(lockPath, {
      realpath: false,
      lockfilePath: lockPath,
      stale: STALE_MS,
      // Waits between tries grow to a second; enough tries to cover the timeout.
      retries: { retries: Math.ceil(timeoutMs / 1000) + 10, minTimeout: 50, maxTimeout: 1000, factor: 1.5, maxRetryTime: timeoutMs },
      // Another process took the lock over (ours went stale, e.g. the machine slept): finish, then report it.
      onCompromised: (error) => {
        compromised = error;
      },
    });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ELOCKED') {
      throw new KeyloadError(ErrorCodes.localDb, `Timed out waiting for another Keyload process (${options.what ?? 'lock'})`, {
        hint: `If no other Keyload is running, delete ${lockPath}`,
        cause: error,
      });
    }
    throw new KeyloadError(ErrorCodes.localDb, `Cannot create the lock ${lockPath}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    return await fn();
  } finally {
    if (!compromised) await release().catch(() => undefined);
  }
}
