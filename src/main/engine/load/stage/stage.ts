// Staging: each file is COPY'd into its own table in the manifest schema, partitioned on the key
// (by range or hash: unit-layout.ts), with every row's ordinal and line number. Partitions are the
// merge units: equal keys always land in the same partition, so different partitions can merge in
// parallel without two writers ever touching the same key. The tables are UNLOGGED: staging is
// redone after a crash anyway, so it need not cost WAL.
import type { Pool, PoolClient } from 'pg';
import { quoteIdent } from '../../sql/identifiers.ts';
import { copyIn, isDataError } from './copy.ts';
import { acceptRejects, readBatches, stagedColumns, type FileContext } from '../file-context.ts';
import { passThrough } from '../pass-through/csv-copy.ts';
import { stagePassThrough } from '../pass-through/stage.ts';
import { acquireClient, withClient, type HeldClient } from '../runtime/pool-client.ts';
import { copyInSql, createStageTableSql, dropTableSql, insertSelectSql, NULL_REASON, rejectNullsSql, rowNumberingSql } from './sql.ts';
import type { KeyBounds } from './unit-layout.ts';
import { BatchValidator, type StagedColumn } from './validation.ts';

/**
 * Rows per COPY while staging. Small batches keep the reader's garbage young (measured: 50,000-row
 * batches spent 42% of the reader's time in GC, 2,000-5,000-row ones 13%) and re-validate cheaply.
 */
export const STAGE_ROWS = 5_000;

export interface StageTable {
  /** The table COPY writes to. */
  parent: string;
  /** One table per partition, i.e. merge unit (index = unit); empty when there is no key. */
  partitions: string[];
  /** Range partitions' DEFAULT partition, for the NULL keys that staging rejects (no unit). */
  nullKeys: string;
  /** The sequences that number the rows of a pass-through COPY (rowNumberingSql). */
  sequences: { ord: string; line: string };
}

/** Short tag naming a run's staging tables; live runs hold an advisory lock on it. */
export function runTag(runId: string): string {
  return runId.replaceAll('-', '').slice(0, 8);
}

export function stageTable(schema: string, runId: string, rank: number, partitions: number): StageTable {
  const name = `s_${runTag(runId)}_${rank}`;
  const qualified = (n: string) => `${quoteIdent(schema)}.${quoteIdent(n)}`;
  return {
    parent: qualified(name),
    partitions: Array.from({ length: partitions }, (_, p) => qualified(`${name}_${p}`)),
    nullKeys: qualified(`${name}_null`),
    sequences: { ord: qualified(`${name}_ord`), line: qualified(`${name}_line`) },
  };
}

async function createStageTable(client: PoolClient, table: StageTable, columns: StagedColumn[], key: string[] | null, bounds: KeyBounds | null): Promise<void> {
  await client.query(dropTableSql(table.parent));
  await client.query(createStageTableSql(table, columns, key, bounds));
}

/** Partitions (and parents) one statement drops at most: each takes locks, which are limited per transaction. */
const DROP_BATCH = 64;

/** Drops staging tables several to a statement: one by one, 1,000 small files' tables cost a commit each. */
export async function dropStageTables(client: PoolClient, tables: StageTable[]): Promise<void> {
  // The parent, its units and the NULL keys' partition.
  const perStatement = Math.max(1, Math.floor(DROP_BATCH / (2 + (tables[0]?.partitions.length ?? 0))));
  for (let i = 0; i < tables.length; i += perStatement) await client.query(dropTableSql(...tables.slice(i, i + perStatement).map((t) => t.parent)));
}

/** Drops staging tables over `lanes` (at least 1) connections at once: the end of a run over many files waits on it. */
export async function dropStageTablesOver(pool: Pool, tables: StageTable[], lanes: number): Promise<void> {
  const groups = Array.from({ length: Math.min(lanes, tables.length) }, (_, lane) => tables.filter((_, i) => i % lanes === lane));
  await Promise.all(groups.map((group) => withClient(pool, (client) => dropStageTables(client, group))));
}

export interface StagedFile {
  table: StageTable;
  /** Rows staged and not rejected. */
  rows: number;
}

/**
 * Stages the file: its own bytes through the server's CSV parser when it needs no reshaping
 * (pass-through/stage.ts), else its rows from the reader; then removes rows with NULL keys or
 * NULLs in NOT NULL columns, which the merge would refuse.
 */
export async function stageFile(ctx: FileContext, table: StageTable, lanes: number): Promise<StagedFile> {
  const columns = stagedColumns(ctx);
  const direct = passThrough(ctx);
  await withClient(ctx.run.pool, async (client) => {
    await createStageTable(client, table, columns, ctx.run.plan.key, ctx.run.bounds);
    if (direct) await client.query(rowNumberingSql(table, direct.dialect.hasHeader ? 2 : 1));
  });
  ctx.tracker.stage('staging');
  const staged = (direct ? await stagePassThrough(ctx, table, direct) : null) ?? (await stageRows(ctx, table, columns, lanes));
  // No ANALYZE: on a partitioned table it samples every partition (seconds per million rows),
  // and the merge plans (scan, sort, insert) do not depend on statistics; the planner sizes
  // never-analysed tables from their pages.
  return { table, rows: staged - (await withClient(ctx.run.pool, (client) => rejectNulls(ctx, client, table.parent, columns))) };
}

/**
 * Streams the reader's batches into the staging table over `lanes` connections (batches go to
 * them in turn: ordinals, not arrival order, decide which row wins); returns the rows staged.
 */
async function stageRows(ctx: FileContext, table: StageTable, columns: StagedColumn[], lanes: number): Promise<number> {
  const held: HeldClient[] = [];
  let healthy = false;
  try {
    for (let i = 0; i < lanes; i++) held.push(await acquireClient(ctx.run.pool));
    const validators = held.map((h, i) => new BatchValidator(h.client, `${ctx.file.rank}_${i}`, columns, ctx.run.support, true));
    const inFlight: Promise<void>[] = [];
    let staged = 0;
    let lane = 0;
    for await (const batch of readBatches(ctx, STAGE_ROWS, true)) {
      const slot = lane++ % held.length;
      await inFlight[slot];
      const { client } = held[slot] as HeldClient;
      const validator = validators[slot] as BatchValidator;
      const work = (async () => {
        try {
          await copyIn(client, copyInSql(table.parent), batch.copy);
          staged += batch.rows;
        } catch (error) {
          if (!isDataError(error)) throw error;
          const validated = await validator.validate(batch.copy, batch.lines);
          await acceptRejects(ctx, validated.rejects);
          const inserted = await client.query(insertSelectSql(table.parent, validated.goodRows));
          staged += inserted.rowCount ?? 0;
        }
      })();
      work.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
      inFlight[slot] = work;
    }
    await Promise.all(inFlight);
    await Promise.all(validators.map((v) => v.drop()));
    healthy = true;
    return staged;
  } finally {
    for (const h of held) h.release(!healthy);
  }
}

async function rejectNulls(ctx: FileContext, client: PoolClient, parent: string, columns: StagedColumn[]): Promise<number> {
  const key = new Set(ctx.run.plan.key ?? []);
  const required = columns.filter((c) => c.required).map((c) => ({ column: c.name, reason: key.has(c.name) ? 'key column is empty' : NULL_REASON }));
  if (required.length === 0) return 0;
  const result = await client.query<{ line: string; column: string; reason: string; values: (string | null)[] }>(rejectNullsSql(parent, columns, required));
  const rows = result.rows.map((r) => ({ line: Number(r.line), column: r.column, reason: r.reason, values: r.values }));
  await acceptRejects(ctx, rows.sort((a, b) => a.line - b.line));
  return rows.length;
}
