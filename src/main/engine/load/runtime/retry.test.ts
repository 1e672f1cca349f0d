// The retry policy on its own: which errors wait for the server, which count against --max-retries.
// The errors are shaped as pg and node raise them (a code on an Error); the runs against a real,
// restarted server are in server-restart.test.ts.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { isServerUnavailable, isTransient, retryMessage, withRetry, type Retry } from './retry.ts';

const failure = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

/** Runs withRetry over a script of errors (then success) and returns the retries it announced. */
async function retriesOver(errors: Error[], policy: { maxRetries: number; retryWindowSeconds: number }): Promise<{ retries: Retry[]; outcome: unknown }> {
  const retries: Retry[] = [];
  let outcome: unknown;
  try {
    outcome = await withRetry(
      policy,
      async (attempt) => {
        const error = errors[attempt];
        if (error) throw error;
        return 'done';
      },
      (_error, retry) => retries.push(retry),
    );
  } catch (error) {
    outcome = error;
  }
  return { retries, outcome };
}

test('a server that is restarting is told apart from other transient errors', () => {
  for (const code of ['57P01', '57P03', '08006', 'ECONNREFUSED', 'ECONNRESET']) expect(isServerUnavailable(failure(code))).toBe(true);
  expect(isServerUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  for (const code of ['40001', '40P01', '53300']) {
    expect(isServerUnavailable(failure(code))).toBe(false);
    expect(isTransient(failure(code))).toBe(true);
  }
  for (const code of ['23505', '42P01', '55P03']) expect(isTransient(failure(code))).toBe(false);
});

test('while the server is unavailable, the window keeps retrying past --max-retries', async () => {
  const errors = [failure('57P01'), failure('ECONNREFUSED'), failure('57P03'), failure('57P03'), failure('ECONNREFUSED')];
  const { retries, outcome } = await retriesOver(errors, { maxRetries: 1, retryWindowSeconds: 60 });
  expect(outcome).toBe('done');
  expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5]);
  for (const retry of retries) expect(retry.leftMs).toBeGreaterThan(0);
  expect(retryMessage('a.csv', errors[0], retries[0] as Retry, { maxRetries: 1, retryWindowSeconds: 60 })).toMatch(/^a\.csv: server unavailable, retrying \(attempt 1, (60|59)s left\)/);
});

test('other transient errors stop at --max-retries, whatever the window; a window of 0 leaves only --max-retries', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 2 }), fc.constantFrom('40001', '40P01', '57P01', 'ECONNREFUSED'), async (maxRetries, code) => {
      const errors = Array.from({ length: maxRetries + 1 }, () => failure(code));
      const window = isServerUnavailable(failure(code)) ? 0 : 60;
      const { retries, outcome } = await retriesOver(errors, { maxRetries, retryWindowSeconds: window });
      expect(retries).toHaveLength(maxRetries);
      expect(outcome).toBe(errors[maxRetries]);
    }),
    { numRuns: 12 },
  );
});

test('an error that is not transient fails at once', async () => {
  const refused = failure('23505');
  const { retries, outcome } = await retriesOver([refused], { maxRetries: 5, retryWindowSeconds: 60 });
  expect(retries).toEqual([]);
  expect(outcome).toBe(refused);
});
