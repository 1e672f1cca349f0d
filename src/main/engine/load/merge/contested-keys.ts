// Which file writes a key that several files hold. Before a partition merges, its contested keys
// are found once, set-based, each with its owner: the file whose row loading the files one by one
// would leave in the table. Every file then writes only the keys it owns, so a key is written once
// per run, and the other files' rows for it count as superseded.
//
// Owning is exact when the files write the same columns, and always for the first policy and
// ignore mode (later files never touch a key an earlier one wrote). When files map different
// columns under last, error or version, a later file's row overwrites only its own columns, so
// every file writes its keys in file order, as one by one would.
//
// Files that write the same columns merge a partition together in one statement instead
// (partition-merge.ts); these tables serve --atomic-file, files with different columns, and the
// one-file-at-a-time retry of a partition whose joint merge failed.
import type { PoolClient } from 'pg';
import type { ConflictPolicy, WriteMode } from '../../../../shared/load-types.ts';
import { quoteIdent } from '../../sql/identifiers.ts';
import type { FileContext, RunContext } from '../file-context.ts';
import { dropTableSql } from '../stage/sql.ts';
import { runTag, type StagedFile } from '../stage/stage.ts';
import { contestedKeysSql, supersededSql, type ContestedKeys, type KeyedMode } from './sql.ts';

export interface ContestingFile {
  ctx: FileContext;
  staged: StagedFile;
}

/** Whether owning a key decides the table exactly (the preview asks the same question). */
export function ownersAreExact(mode: WriteMode, policy: ConflictPolicy, columnSets: string[][]): boolean {
  if (mode === 'insert') return false;
  return mode === 'ignore' || policy === 'first' || sameColumns(columnSets);
}

/** Whether every file writes the same target columns (in any order). */
export function sameColumns(columnSets: string[][]): boolean {
  const signature = (columns: string[]) => [...columns].sort().join('\u0000');
  return columnSets.every((columns) => signature(columns) === signature(columnSets[0] ?? []));
}

export function writtenColumns(files: ContestingFile[]): string[][] {
  return files.map((f) => f.ctx.file.mapping.mapped.map((m) => m.target));
}

/** Whether any key can be contested and its owner decides the table: two files or more, and exact owners. */
function ownersDecide(run: RunContext, files: ContestingFile[], mode: KeyedMode): boolean {
  return files.length >= 2 && ownersAreExact(mode, run.plan.options.conflictPolicy, writtenColumns(files));
}

/** Counts `n` of the file's keys as superseded: another file owns them. */
export function countSuperseded(ctx: FileContext, n: number): void {
  ctx.tracker.counts.superseded += n;
  ctx.tracker.merged(n);
}

function contestedTable(run: RunContext, part: number): string {
  return `${quoteIdent(run.plan.options.manifestSchema)}.${quoteIdent(`s_${runTag(run.plan.runId)}_c${part}`)}`;
}

/**
 * Builds partition `part`'s contested keys over `files` (in file order) and adds each file's
 * superseded keys to its counts. Null when no key can be contested: one file, insert mode (a key
 * in two files fails the later one), or owners that would not be exact.
 */
async function contestPartition(client: PoolClient, run: RunContext, files: ContestingFile[], part: number, mode: KeyedMode): Promise<ContestedKeys | null> {
  if (!ownersDecide(run, files, mode)) return null;
  const table = contestedTable(run, part);
  const { options } = run.plan;
  const spec = { key: run.plan.key ?? [], mode, policy: options.conflictPolicy, ...(options.versionColumn ? { versionColumn: options.versionColumn } : {}) };
  const sources = files.map((f) => ({ rank: f.ctx.file.rank, table: f.staged.table.partitions[part] ?? f.staged.table.parent }));
  await client.query(dropTableSql(table));
  await client.query(contestedKeysSql(spec, sources, table));
  const superseded = await client.query<{ rank: number; n: string }>(supersededSql(table));
  for (const row of superseded.rows) {
    const file = files.find((f) => f.ctx.file.rank === row.rank);
    if (file) countSuperseded(file.ctx, Number(row.n));
  }
  return { table };
}

async function dropContested(client: PoolClient, contested: ContestedKeys): Promise<void> {
  await client.query(dropTableSql(contested.table));
}

/**
 * Each partition's contested keys, built once and shared by the merge of every file; dropped with
 * the staging tables. Ownership depends on every file, so it is made from all the staged files.
 */
export class ContestedPartitions {
  private readonly built = new Map<number, Promise<ContestedKeys | null>>();
  private readonly run: RunContext;
  private readonly files: ContestingFile[];
  private readonly mode: KeyedMode;

  constructor(run: RunContext, files: ContestingFile[], mode: KeyedMode) {
    this.run = run;
    this.files = files;
    this.mode = mode;
  }

  of(part: number, client: PoolClient): Promise<ContestedKeys | null> {
    let contested = this.built.get(part);
    if (!contested) {
      contested = contestPartition(client, this.run, this.files, part, this.mode);
      this.built.set(part, contested);
      contested.catch(() => this.built.delete(part)); // a retry builds it again
    }
    return contested;
  }

  async drop(client: PoolClient): Promise<void> {
    for (const contested of this.built.values()) {
      const table = await contested.catch(() => null);
      if (table) await dropContested(client, table);
    }
  }
}
