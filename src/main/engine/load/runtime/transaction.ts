import type { PoolClient } from 'pg';
import { ASYNC_COMMIT } from './sql.ts';

/** Runs `work` in a transaction; `asyncCommit` lets it commit without waiting for the WAL flush (see ASYNC_COMMIT). */
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
