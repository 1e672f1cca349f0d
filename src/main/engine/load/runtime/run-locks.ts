// Advisory locks on the coordinator connection. A live run holds its run lock for its whole life,
// which marks its staging tables as in use; the table lock serialises the merge phases of
// concurrent runs into the same table, so their combined result equals one of their serial orders.
import type { PoolClient } from 'pg';
import { displayName, quoteIdent, type TableName } from '../../sql/identifiers.ts';
import { runTag } from '../stage/stage.ts';

const RUN_LOCK = 0x4b4c5231; // "KLR1"
const TABLE_LOCK = 0x4b4c5431; // "KLT1"
const PARTITION_LOCK = 0x4b4c5031; // "KLP1"

export async function lockRun(client: PoolClient, runId: string): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [RUN_LOCK, runTag(runId)]);
}

export async function lockTable(client: PoolClient, table: string): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [TABLE_LOCK, table]);
}

/** Until the end of the transaction: claimers merging the same partition of one table take turns. */
export async function lockPartition(client: PoolClient, table: TableName, part: number): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PARTITION_LOCK, `${displayName(table)}#${part}`]);
}

/** Drops staging tables left by runs that died (their run lock is free). */
export async function dropAbandonedStaging(client: PoolClient, schema: string, ownRunId: string): Promise<number> {
  const found = await client.query<{ tag: string; tables: string[] }>(
    `SELECT substring(c.relname from '^s_([0-9a-f]{8})_') AS tag, array_agg(c.relname::text) AS tables
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname ~ '^s_[0-9a-f]{8}_'
     GROUP BY 1`,
    [schema],
  );
  let dropped = 0;
  for (const { tag, tables } of found.rows) {
    // Advisory locks are re-entrant within a session: our own tag would look free.
    if (tag === runTag(ownRunId)) continue;
    const free = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [RUN_LOCK, tag]);
    if (!free.rows[0]?.ok) continue;
    try {
      await client.query(`DROP TABLE IF EXISTS ${tables.map((t) => `${quoteIdent(schema)}.${quoteIdent(t)}`).join(', ')}`);
      dropped += tables.length;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [RUN_LOCK, tag]);
    }
  }
  return dropped;
}
