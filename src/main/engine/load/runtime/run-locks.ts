// Advisory locks on the coordinator connection. A live run holds its run lock for its whole life,
// which marks its staging tables as in use; the table lock serialises the merge phases of
// concurrent runs into the same table, so their combined result equals one of their serial orders.
import type { PoolClient } from 'pg';
import { displayName, type TableName } from '../../sql/identifiers.ts';
import { runTag } from '../stage/stage.ts';
import { ADVISORY_LOCK_SQL, ADVISORY_UNLOCK_SQL, ADVISORY_XACT_LOCK_SQL, dropTablesSql, STAGING_TABLES_SQL, TRY_ADVISORY_LOCK_SQL } from './sql.ts';

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

/** Drops staging tables left by runs that died (their run lock is free). */
export async function dropAbandonedStaging(client: PoolClient, schema: string, ownRunId: string): Promise<number> {
  const found = await client.query<{ tag: string; tables: string[] }>(STAGING_TABLES_SQL, [schema]);
  let dropped = 0;
  for (const { tag, tables } of found.rows) {
    // Advisory locks are re-entrant within a session: our own tag would look free.
    if (tag === runTag(ownRunId)) continue;
    const free = await client.query<{ ok: boolean }>(TRY_ADVISORY_LOCK_SQL, [RUN_LOCK, tag]);
    if (!free.rows[0]?.ok) continue;
    try {
      await client.query(dropTablesSql(schema, tables));
      dropped += tables.length;
    } finally {
      await client.query(ADVISORY_UNLOCK_SQL, [RUN_LOCK, tag]);
    }
  }
  return dropped;
}
