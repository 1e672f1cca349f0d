// Transient failures are retried with capped exponential backoff and jitter; everything else fails
// at once. While the server is unreachable or starting up (a restart takes seconds, during which new
// connections get 57P03 or ECONNREFUSED and live ones 57P01), retries go on until --retry-window is
// spent, so a restart cannot outlast them; --max-retries bounds the other transient errors
// (serialization failures, deadlocks, too many clients).
import type { LoadEvent } from '../../../../shared/load-types.ts';
import { toErrorInfo } from '../../error-info.ts';

const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const otherTransientSqlStates = new Set(['40001', '40P01', '53300']);
const unavailableNodeCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** The server went away, is shutting down or is not yet accepting connections. */
export function isServerUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (unavailableSqlStates.has(code) || unavailableNodeCodes.has(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection terminated unexpectedly|Client has encountered a connection error/i.test(message);
}

export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && otherTransientSqlStates.has(code)) || isServerUnavailable(error);
}

export interface RetryPolicy {
  maxRetries: number;
  retryWindowSeconds: number;
}

/** One retry about to happen. */
export interface Retry {
  attempt: number;
  /** While the server is unavailable: what is left of the retry window, in ms; otherwise null. */
  leftMs: number | null;
}

/** Waits reconnect quickly once the server is back; other errors back off further. */
const capMs = { unavailable: 2_000, other: 10_000 };

export function backoffMs(attempt: number, cap: number, baseMs = 200): number {
  return Math.min(cap, baseMs * 2 ** attempt) * (0.5 + Math.random() / 2);
}

/**
 * Runs `run` until it succeeds or fails for good. A server-unavailable error is retried while the
 * window (counted from the first such error) has time left, or else while --max-retries allows.
 */
export async function withRetry<T>(policy: RetryPolicy, run: (attempt: number) => Promise<T>, onRetry: (error: unknown, retry: Retry) => void): Promise<T> {
  let unavailableSince: number | null = null;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (!isTransient(error)) throw error;
      const withinRetries = attempt < policy.maxRetries;
      if (!isServerUnavailable(error)) {
        if (!withinRetries) throw error;
        onRetry(error, { attempt: attempt + 1, leftMs: null });
        await sleep(backoffMs(attempt, capMs.other));
        continue;
      }
      unavailableSince ??= performance.now();
      const leftMs = policy.retryWindowSeconds * 1000 - (performance.now() - unavailableSince);
      if (leftMs <= 0 && !withinRetries) throw error;
      onRetry(error, { attempt: attempt + 1, leftMs: Math.max(0, leftMs) });
      await sleep(Math.min(backoffMs(attempt, capMs.unavailable), Math.max(leftMs, 50)));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function retryMessage(subject: string, error: unknown, retry: Retry, policy: RetryPolicy): string {
  if (retry.leftMs !== null) return `${subject}: server unavailable, retrying (attempt ${retry.attempt}, ${Math.ceil(retry.leftMs / 1000)}s left): ${toErrorInfo(error).message}`;
  return `${subject}: ${toErrorInfo(error).message}; retry ${retry.attempt} of ${policy.maxRetries}`;
}

/** What retrying inside a run needs: its options and where its notices go (a RunContext is one). */
export interface RetryScope {
  plan: { options: RetryPolicy };
  emit: (event: LoadEvent) => void;
}

/** withRetry with the run's policy, each retry announced as a notice about `subject` (reports count them). */
export function retrying<T>(scope: RetryScope, subject: string, run: (attempt: number) => Promise<T>): Promise<T> {
  const policy = scope.plan.options;
  return withRetry(policy, run, (error, retry) => scope.emit({ type: 'notice', message: retryMessage(subject, error, retry, policy), retryOf: subject }));
}
