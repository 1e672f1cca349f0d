// The preview's analysis (sql.ts), built once per session in jobs that run at once, one session
// each, as the merge runs its partitions: job j reads the staging partitions whose remainder is j
// modulo the job count and writes partition j of each analysis table. The analysis tables are
// hash-partitioned on the key like staging, with the job count as modulus, a power of two dividing
// staging's: a key of staging partition p then belongs to analysis partition p mod jobs, so a job
// needs no other job's rows (and inserting into the partition itself checks that it holds). Being
// unlogged tables rather than temp ones, the other sessions can write them, and a statement can
// use the server's parallel workers.
import type { Pool, PoolClient } from 'pg';
import type { WriteMode } from '../../../shared/load-types.ts';
import { checkCancelled } from '../load/file-context.ts';
import { list } from '../load/merge/sql.ts';
import { withClient } from '../load/runtime/pool-client.ts';
import { foldAggregateSql, groupsSelect } from './ranking-sql.ts';
import { analyzeSql, crossSelect, duplicatesSelect, indexAnalysisSql, keyIndexSql, keysSelect, rowsSelect, STATISTICS_TABLES, type AnalysisTables, type PreviewShape, type StagedSource } from './sql.ts';

/** How the analysis splits: `jobs` at once, job j writing the tables `partitionTables(j)`. */
export interface AnalysisLayout {
  jobs: number;
  partitionTables(job: number): AnalysisTables;
  signal?: AbortSignal;
}

/** The job count for `workers` sessions and staging's `partitions` (a power of two): the largest power of two within both. */
export function analysisJobs(workers: number, partitions: number): number {
  let jobs = 1;
  while (jobs * 2 <= Math.min(workers, partitions)) jobs *= 2;
  return jobs;
}

/** The keyed analysis tables in the order they are built (each reads the ones before it). */
const KEYED_TABLES = [
  ['dups', duplicatesSelect],
  ['rows', rowsSelect],
  ['keys', keysSelect],
  ['cross', crossSelect],
] as const;

/**
 * Runs `tasks` over `lanes` connections at once, lane 0 on `session` and the others on connections of
 * `pool` (so a pool of one connection cannot deadlock); returns their results in order. After a
 * failure no lane starts another task, and every task ends before this returns or throws.
 */
export async function inLanes<R>(session: PoolClient, pool: Pool, lanes: number, tasks: ((client: PoolClient) => Promise<R>)[]): Promise<R[]> {
  const results = new Array<R>(tasks.length);
  let next = 0;
  let failed = false;
  const lane = async (client: PoolClient) => {
    while (next < tasks.length && !failed) {
      const index = next++;
      try {
        results[index] = await (tasks[index] as (client: PoolClient) => Promise<R>)(client);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(lanes, tasks.length)) }, (_, l) => (l === 0 ? lane(session) : withClient(pool, lane))));
  const failure = settled.find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
  return results;
}

/** Runs the analysis: `session` creates the tables, then the jobs run at once (inLanes). */
export async function analyse(session: PoolClient, pool: Pool, shape: PreviewShape, mode: WriteMode, layout: AnalysisLayout): Promise<void> {
  await session.query(foldAggregateSql);
  await createTables(session, shape, mode, layout);
  const jobs = Array.from({ length: layout.jobs }, (_, job) => (client: PoolClient) => analyseJob(client, jobShape(shape, job, layout), mode, layout.signal));
  await inLanes(session, pool, layout.jobs, jobs);
  // The planner's statistics of the parents, for the summary's and pages' joins over all partitions.
  await inLanes(session, pool, layout.jobs, STATISTICS_TABLES.map((table) => (client: PoolClient) => client.query(analyzeSql(shape, table))));
}

/** The partitioned tables, typed as their statements' results (a temp view's columns), and groups, which jobs add rows to. */
async function createTables(session: PoolClient, shape: PreviewShape, mode: WriteMode, layout: AnalysisLayout): Promise<void> {
  for (const [table, select] of KEYED_TABLES) {
    const parent = shape.tables[table];
    await session.query(`CREATE TEMP VIEW pv_columns AS ${select(shape)}`);
    await session.query(`CREATE TABLE ${parent} (LIKE pg_temp.pv_columns) PARTITION BY HASH (${list(shape.key)})`);
    await session.query('DROP VIEW pg_temp.pv_columns');
    for (let job = 0; job < layout.jobs; job++) {
      await session.query(`CREATE UNLOGGED TABLE ${layout.partitionTables(job)[table]} PARTITION OF ${parent} FOR VALUES WITH (MODULUS ${layout.jobs}, REMAINDER ${job})`);
    }
  }
  await session.query(`CREATE UNLOGGED TABLE ${shape.tables.groups} AS ${groupsSelect(shape, mode)} WITH NO DATA`);
}

/** The shape a job's statements read and write: its staging partitions, its analysis partitions, and the shared groups table. */
function jobShape(shape: PreviewShape, job: number, layout: AnalysisLayout): PreviewShape {
  const sources = shape.sources.map((source) => ofPartitions(source, source.partitions.filter((_, part) => part % layout.jobs === job)));
  return { ...shape, sources, tables: { ...layout.partitionTables(job), groups: shape.tables.groups } };
}

/** A source read from some of its staging partitions only. */
function ofPartitions(source: StagedSource, partitions: string[]): StagedSource {
  const table = partitions.length === 1 ? (partitions[0] as string) : `(${partitions.map((p) => `SELECT * FROM ${p}`).join(' UNION ALL ')})`;
  return { ...source, table, partitions };
}

/** The unique violation SQLSTATE. */
const UNIQUE_VIOLATION = '23505';

/**
 * Indexes a staging partition on the key (pages read a key's staged rows in every file) and tells
 * whether it holds a key twice: a unique index either builds or fails on the first duplicate, so
 * files without duplicates, the usual case, need no grouping to find them.
 */
async function indexKey(client: PoolClient, partition: string, key: string[]): Promise<{ duplicated: boolean }> {
  try {
    await client.query(keyIndexSql(partition, key, { unique: true }));
    return { duplicated: false };
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    await client.query(keyIndexSql(partition, key));
    return { duplicated: true };
  }
}

async function analyseJob(client: PoolClient, job: PreviewShape, mode: WriteMode, signal: AbortSignal | undefined): Promise<void> {
  const step = async (sql: string) => {
    checkCancelled(signal);
    await client.query(sql);
  };
  const withDuplicates: StagedSource[] = [];
  for (const source of job.sources) {
    const duplicated: string[] = [];
    for (const part of source.partitions) {
      checkCancelled(signal);
      if ((await indexKey(client, part, job.key)).duplicated) duplicated.push(part);
    }
    if (duplicated.length > 0) withDuplicates.push(ofPartitions(source, duplicated));
  }
  for (const [table, select] of KEYED_TABLES) {
    if (table === 'dups') {
      if (withDuplicates.length > 0) await step(`INSERT INTO ${job.tables.dups} ${select({ ...job, sources: withDuplicates })}`);
      continue;
    }
    await step(`INSERT INTO ${job.tables[table]} ${select(job)}`);
    await step(indexAnalysisSql(job, table));
  }
  // The planner cannot tell how few outcome groups there are (a few per combination of files, where
  // it expects one per row), so it sorted millions of rows on disk; hashing them fits in memory.
  await step(`BEGIN; SET LOCAL enable_sort = off; INSERT INTO ${job.tables.groups} ${groupsSelect(job, mode)}; COMMIT`);
}
