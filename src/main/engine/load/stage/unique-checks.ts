// Rows that would break a unique constraint other than the conflict key are found set-based after
// staging, before anything is written, and go to the rejects file named by the constraint; writing
// them would fail the file part way instead. A file's surviving row (one per key) is rejected when
// its values of such a constraint are already taken:
//   - by a stored row with another key,
//   - by an earlier file's surviving row with another key,
//   - or by an earlier surviving row of the same file (the first occurrence keeps them).
// A value counts as taken even when its holder changes it in this run: partitions merge in
// parallel, so the write that frees it may come after the one that takes it.
// All the rows of a rejected key leave the staging table, so no older duplicate takes its place.
// The values the files checked so far take are kept in one indexed table per constraint
// (`s_<run>_u<n>`, dropped with the staging tables), so every file is checked once against them,
// not against every earlier file again. Files are checked one at a time, in file order, so the
// outcome is deterministic. NULLs never collide, as in a default unique index.
import type { PoolClient } from 'pg';
import { quoteIdent } from '../../sql/identifiers.ts';
import type { UniqueKey } from '../../target/introspect.ts';
import { acceptRejects, mergeSpec, stagedColumns, type FileContext, type RunContext } from '../file-context.ts';
import { survivorsSql } from '../merge/sql.ts';
import { createTakenTableSql, dropTableSql, takenColumns, uniqueCheckSql } from './sql.ts';
import { runTag, type StagedFile } from './stage.ts';

export class UniqueChecks {
  private readonly run: RunContext;
  /** Compare with the stored rows too (not for replace, which empties the table first). */
  private readonly stored: boolean;
  private readonly created = new Set<string>();

  constructor(run: RunContext, stored: boolean) {
    this.run = run;
    this.stored = stored;
  }

  /** The table of values taken so far for the target's n-th unique key. */
  private takenTable(index: number): string {
    return `${quoteIdent(this.run.plan.options.manifestSchema)}.${quoteIdent(`s_${runTag(this.run.plan.runId)}_u${index}`)}`;
  }

  /** The target's unique keys, other than the conflict key, whose columns this file provides. */
  private secondaryKeys(ctx: FileContext): { unique: UniqueKey; taken: string }[] {
    const key = this.run.plan.key ?? [];
    const provided = new Set(stagedColumns(ctx).map((c) => c.name));
    const isConflictKey = (k: UniqueKey) => k.columns.length === key.length && k.columns.every((c) => key.includes(c));
    return this.run.plan.target.uniqueKeys.flatMap((unique, index) =>
      !isConflictKey(unique) && unique.columns.every((c) => provided.has(c)) ? [{ unique, taken: this.takenTable(index) }] : [],
    );
  }

  /** Whether the file has anything to check (then it must wait for the files before it). */
  applies(ctx: FileContext): boolean {
    return this.secondaryKeys(ctx).length > 0;
  }

  /**
   * Rejects the file's rows that would violate a secondary unique key, then records the values its
   * surviving rows take; returns how many surviving rows left staging. Call in file order.
   */
  async check(ctx: FileContext, client: PoolClient, staged: StagedFile, earlier: StagedFile[]): Promise<number> {
    const spec = mergeSpec(ctx, ctx.run.plan.options.mode === 'ignore' ? 'ignore' : 'upsert');
    const source = staged.table.parent;
    const earlierFirst = spec.policy === 'first' ? earlier.map((e) => e.table.parent) : [];
    const file = {
      source,
      columns: stagedColumns(ctx),
      key: spec.key,
      survivors: spec.key.length > 0 ? survivorsSql(spec, source, earlierFirst) : null,
      // Ignore mode leaves keys that are stored alone, so their rows write nothing.
      ignoredIn: spec.mode === 'ignore' ? spec.target : null,
      stored: this.stored ? spec.target : null,
    };
    let removed = 0;
    for (const { unique, taken } of this.secondaryKeys(ctx)) {
      const check = { ...file, unique: unique.columns, taken };
      await this.ensureTaken(client, taken, takenColumns(check), unique.columns);
      const result = await client.query<{ survivor: boolean; line: string; values: (string | null)[] }>(uniqueCheckSql(check));
      const reason = `would violate unique constraint ${unique.name}`;
      const rejected = result.rows.filter((r) => r.survivor).map((r) => ({ line: Number(r.line), column: unique.columns.join(', '), reason, values: r.values }));
      await acceptRejects(ctx, rejected.sort((a, b) => a.line - b.line));
      removed += rejected.length;
    }
    return removed;
  }

  /** The table of values taken so far, indexed on the unique key's columns. */
  private async ensureTaken(client: PoolClient, taken: string, columns: string[], unique: string[]): Promise<void> {
    if (this.created.has(taken)) return;
    const types = new Map(this.run.plan.target.columns.map((c) => [c.name, c.type]));
    await client.query(createTakenTableSql(taken, columns.map((name) => ({ name, type: types.get(name) ?? 'text' })), unique));
    this.created.add(taken);
  }

  /** Drops the tables of taken values; call when the load is over. */
  async drop(client: PoolClient): Promise<void> {
    for (const taken of this.created) await client.query(dropTableSql(taken));
    this.created.clear();
  }
}

