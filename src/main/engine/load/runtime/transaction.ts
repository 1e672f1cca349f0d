import type { PoolClient } from 'pg';

/**
 * Sub-batches commit without waiting for the WAL flush: a server crash can lose the last few, but
 * always together with their progress rows, so the next run redoes exactly those. The transaction
 * that marks a file loaded stays synchronous, which also flushes everything before it.
 */
export const ASYNC_COMMIT = 'SET LOCAL synchronous_commit = off';

export async function inTransaction<T>(client: PoolClient, work: () => Promise<T>, asyncCommit = false): Promise<T> {
  await client.query('BEGIN');
  if (asyncCommit) await client.query(ASYNC_COMMIT);
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
