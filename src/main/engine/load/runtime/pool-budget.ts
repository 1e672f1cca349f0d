// Sizes the connection pool as file concurrency x internal concurrency + a coordinator connection,
// and shrinks the settings to what the server can still accept, so a run never meets "too many
// clients". Internal concurrency gives way first: parallel files help more than parallel batches.
import { availableParallelism } from 'node:os';
import type { ClientBase } from 'pg';
import { FREE_CONNECTIONS_SQL, SERVER_IS_LOCAL_SQL } from './sql.ts';

export interface ConcurrencyRequest {
  concurrency: number;
  internalConcurrency: number;
}

export interface PoolBudget extends ConcurrencyRequest {
  /** Connections the run may open: concurrency x internalConcurrency + 1 coordinator. */
  poolSize: number;
  /** Connections the server could still accept when the run was planned. */
  freeConnections: number;
  /**
   * Partitions merged at once: one per file slot, but on a server on this machine no more than its
   * cores. Merging is CPU-bound on the server; measured on 2 cores with 8 overlapping files, 4 merge
   * statements at once took 2.6x the statement time of 2 (lock and WAL contention), and the run 14%
   * longer.
   */
  mergeWorkers: number;
  /** One line explaining a reduction, when there was one. */
  notice: string | null;
}

/** This machine's cores when the server runs on it (over a Unix socket or loopback), else null. */
export async function localServerCores(client: ClientBase): Promise<number | null> {
  const result = await client.query<{ local: boolean }>(SERVER_IS_LOCAL_SQL);
  return result.rows[0]?.local ? availableParallelism() : null;
}

export async function freeConnections(client: ClientBase): Promise<number> {
  const result = await client.query<{ free: number }>(FREE_CONNECTIONS_SQL);
  return Math.max(0, result.rows[0]?.free ?? 0);
}

export function fitBudget(requested: ConcurrencyRequest, free: number, serverCores: number | null = null): PoolBudget {
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
  const mergeWorkers = Math.max(1, Math.min(concurrency, serverCores ?? concurrency));
  return { concurrency, internalConcurrency, poolSize, freeConnections: free, mergeWorkers, notice };
}
