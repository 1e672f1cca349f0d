// Advisory locks on the coordinator connection. A live run holds its run lock for its whole life,
// which marks its staging tables as in use; the table lock serialises the merge phases of
// concurrent runs into the same table, so their combined result equals one of their serial orders.
import type { PoolClient } from 'pg';
import { displayName, type TableName } from '../../sql/identifiers.ts';
import { runTag } from '../stage/stage.ts';
import { ADVISORY_LOCK_SQL, ADVISORY_UNLOCK_SQL, ADVISORY_XACT_LOCK_SQL, TRY_ADVISORY_LOCK_SQL } from './sql.ts';

const RUN_LOCK = 0x4b4c5231; // "KLR1"
const TABLE_LOCK = 0x4b4c5431; // "KLT1"
const PARTITION_LOCK = 0x4b4c5031; // "KLP1"

export async function lockRun(client: PoolClient, runId: string): Promise<void> {
  await client.query(ADVISORY_LOCK_SQL, [RUN_LOCK, runTag(runId)]);
}

export async function lockTable(client: PoolClient, table: string): Promise<void> {
  await client.query(ADVISORY_LOCK_SQL, [TABLE_LOCK, table]);
}

/** Until the end of the transaction: claimers merging the same partition of one table take turns. */
export async function lockPartition(client: PoolClient, table: TableName, part: number): Promise<void> {
  await client.query(ADVISORY_XACT_LOCK_SQL, [PARTITION_LOCK, `${displayName(table)}#${part}`]);
}

/**
 * Runs `work` holding the lock of the run tagged `tag`, which proves the run dead (a live run holds
 * it); false, with nothing done, when the run is alive. Session locks are re-entrant: never ask
 * about a run whose lock this session holds.
 */
export async function whileRunDead(client: PoolClient, tag: string, work: () => Promise<void>): Promise<boolean> {
  const free = await client.query<{ ok: boolean }>(TRY_ADVISORY_LOCK_SQL, [RUN_LOCK, tag]);
  if (!free.rows[0]?.ok) return false;
  try {
    await work();
    return true;
  } finally {
    await client.query(ADVISORY_UNLOCK_SQL, [RUN_LOCK, tag]);
  }
}
