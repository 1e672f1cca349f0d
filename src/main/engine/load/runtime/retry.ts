// Transient failures are retried with exponential backoff; everything else fails at once.

const transientSqlStates = new Set(['40001', '40P01', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', '53300']);
const transientNodeCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (transientSqlStates.has(code) || transientNodeCodes.has(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection terminated unexpectedly|Client has encountered a connection error/i.test(message);
}

export function backoffMs(attempt: number, baseMs = 200): number {
  return Math.min(10_000, baseMs * 2 ** attempt) * (0.5 + Math.random() / 2);
}

export async function withRetry<T>(maxRetries: number, run: (attempt: number) => Promise<T>, onRetry: (error: unknown, attempt: number) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (attempt >= maxRetries || !isTransient(error)) throw error;
      onRetry(error, attempt + 1);
      await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt)));
    }
  }
}
