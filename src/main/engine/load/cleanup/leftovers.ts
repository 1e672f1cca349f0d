// Staging tables hold a run's rows (UNLOGGED, so a killed run's can reach gigabytes) and outlive a
// run that is killed, or whose connections broke before it could drop them. They go three ways:
// the run drops its own when it ends, however it ends; every run's start drops those of dead runs
// (a live run holds its run lock for its whole life, so a free lock means a dead run); and
// `keyload clean` does the same on demand.
import type { PoolClient } from 'pg';
import { whileRunDead } from '../runtime/run-locks.ts';
import { runTag } from '../stage/stage.ts';
import { dropTableSql, SHORT_LOCK_TIMEOUT_SQL, STAGING_TABLES_SQL } from './sql.ts';

/** One run's staging tables (parents; their partitions go with them). */
export interface StagingGroup {
  tag: string;
  tables: string[];
  bytes: number;
}

export async function findStaging(client: PoolClient, schema: string): Promise<StagingGroup[]> {
  const found = await client.query<{ tag: string; tables: string[]; bytes: string | null }>(STAGING_TABLES_SQL, [schema]);
  return found.rows.map((r) => ({ tag: r.tag, tables: r.tables, bytes: Number(r.bytes ?? 0) }));
}

async function dropGroup(client: PoolClient, schema: string, group: StagingGroup): Promise<void> {
  for (const table of group.tables) await client.query(dropTableSql(schema, table));
}

export interface DeadStaging {
  /** Dead runs' tables: dropped, or only found with `dryRun`. */
  dead: StagingGroup[];
  /** Live runs' tables, left alone. */
  live: StagingGroup[];
}

/** Drops the staging tables of dead runs; `ownRunId` is the caller's run, which holds its own lock. */
export async function dropDeadStaging(client: PoolClient, schema: string, options: { ownRunId?: string; dryRun?: boolean } = {}): Promise<DeadStaging> {
  const own = options.ownRunId === undefined ? null : runTag(options.ownRunId);
  const result: DeadStaging = { dead: [], live: [] };
  for (const group of await findStaging(client, schema)) {
    if (group.tag === own) continue;
    const dead = await whileRunDead(client, group.tag, () => (options.dryRun ? Promise.resolve() : dropGroup(client, schema, group)));
    (dead ? result.dead : result.live).push(group);
  }
  return result;
}

/** At the end of a run: drops every staging table it made. The session's lock_timeout is shortened: discard it afterwards. */
export async function dropRunStaging(client: PoolClient, schema: string, runId: string): Promise<void> {
  await client.query(SHORT_LOCK_TIMEOUT_SQL);
  const tag = runTag(runId);
  for (const group of await findStaging(client, schema)) if (group.tag === tag) await dropGroup(client, schema, group);
}
