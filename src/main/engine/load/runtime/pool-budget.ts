// Sizes the connection pool as file concurrency x internal concurrency + a coordinator connection,
// and shrinks the settings to what the server can still accept, so a run never meets "too many
// clients". Internal concurrency gives way first: parallel files help more than parallel batches.
import type { ClientBase } from 'pg';
import { FREE_CONNECTIONS_SQL } from './sql.ts';

export interface ConcurrencyRequest {
  concurrency: number;
  internalConcurrency: number;
}

export interface PoolBudget extends ConcurrencyRequest {
  /** Connections the run may open: concurrency x internalConcurrency + 1 coordinator. */
  poolSize: number;
  /** Connections the server could still accept when the run was planned. */
  freeConnections: number;
  /** One line explaining a reduction, when there was one. */
  notice: string | null;
}

export async function freeConnections(client: ClientBase): Promise<number> {
  const result = await client.query<{ free: number }>(FREE_CONNECTIONS_SQL);
  return Math.max(0, result.rows[0]?.free ?? 0);
}

export function fitBudget(requested: ConcurrencyRequest, free: number): PoolBudget {
  let { concurrency, internalConcurrency } = requested;
  const fits = () => concurrency * internalConcurrency + 1 <= free;
  while (!fits() && internalConcurrency > 1) internalConcurrency--;
  while (!fits() && concurrency > 1) concurrency--;
  const poolSize = Math.max(1, Math.min(concurrency * internalConcurrency + 1, free));
  const reduced = concurrency !== requested.concurrency || internalConcurrency !== requested.internalConcurrency;
  const notice = reduced
    ? `The server accepts ${free} more connection(s): loading ${concurrency} file(s) at a time over ${internalConcurrency} connection(s) each ` +
      `instead of ${requested.concurrency} x ${requested.internalConcurrency}.`
    : null;
  return { concurrency, internalConcurrency, poolSize, freeConnections: free, notice };
}
