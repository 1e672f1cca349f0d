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
import { list, survivorsSql } from '../merge/sql.ts';
import { runTag, stagedValuesJson, type StagedFile } from './stage.ts';
import { LINE, ORD } from './validation.ts';

const row = (alias: string, columns: string[]) => `(${list(columns, `${alias}.`)})`;

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
    const columns = stagedColumns(ctx);
    const keyed = spec.key.length > 0;
    const key = keyed ? spec.key : [ORD];
    const source = staged.table.parent;
    // Ignore mode leaves keys that are stored alone, so their rows write nothing.
    const written = spec.mode === 'ignore' ? ` WHERE NOT EXISTS (SELECT 1 FROM ${spec.target} t WHERE ${row('t', key)} = ${row('s', key)})` : '';
    const earlierFirst = spec.policy === 'first' ? earlier.map((e) => e.table.parent) : [];
    const survivors = `w AS MATERIALIZED (SELECT * FROM (${keyed ? survivorsSql(spec, source, earlierFirst) : `SELECT * FROM ${source}`}) s${written})`;
    const keyAndOrd = list(keyed ? [...key, ORD] : [ORD]);
    const sameKey = (a: string, b: string) => `${row(a, key)} = ${row(b, key)}`;
    let removed = 0;
    for (const { unique, taken } of this.secondaryKeys(ctx)) {
      const u = unique.columns;
      const recorded = keyed ? [...key, ...u] : u;
      await this.ensureTaken(client, taken, recorded, u);
      const otherKey = (alias: string) => (keyed ? `${row(alias, key)} IS DISTINCT FROM ${row('w', key)}` : 'true');
      const outside = [
        `EXISTS (SELECT 1 FROM ${taken} e WHERE ${row('e', u)} = ${row('w', u)} AND ${otherKey('e')})`,
        ...(this.stored ? [`EXISTS (SELECT 1 FROM ${spec.target} t WHERE ${row('t', u)} = ${row('w', u)} AND ${otherKey('t')})`] : []),
      ].join(' OR ');
      const notNull = u.map((c) => `w.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
      // One statement: rows whose values are held outside the file, then (among the rest; survivors
      // hold one row per key) rows an earlier survivor of the file holds; the rest record theirs.
      const result = await client.query<{ survivor: boolean; line: string; values: (string | null)[] }>(`
        WITH ${survivors},
          outside AS (SELECT ${list(keyed ? [...key, ORD] : [ORD], 'w.')} FROM w WHERE ${outside}),
          ranked AS (SELECT ${list(keyed ? [...key, ORD] : [ORD], 'w.')}, row_number() OVER (PARTITION BY ${list(u, 'w.')} ORDER BY w.${quoteIdent(ORD)}) AS n
                     FROM w WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM outside o WHERE ${sameKey('o', 'w')})),
          bad AS (SELECT * FROM outside UNION ALL SELECT ${keyAndOrd} FROM ranked WHERE n > 1),
          kept AS (INSERT INTO ${taken} (${list(recorded)}) SELECT ${list(recorded, 'w.')} FROM w WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM bad b WHERE ${sameKey('b', 'w')}))
        DELETE FROM ${source} s USING bad b WHERE ${sameKey('s', 'b')}
        RETURNING s.${quoteIdent(ORD)} = b.${quoteIdent(ORD)} AS survivor, s.${quoteIdent(LINE)} AS line, ${stagedValuesJson('s', columns)} AS values`);
      const reason = `would violate unique constraint ${unique.name}`;
      const rejected = result.rows.filter((r) => r.survivor).map((r) => ({ line: Number(r.line), column: u.join(', '), reason, values: r.values }));
      await acceptRejects(ctx, rejected.sort((a, b) => a.line - b.line));
      removed += rejected.length;
    }
    return removed;
  }

  /** The table of values taken so far, indexed on the unique key's columns. */
  private async ensureTaken(client: PoolClient, taken: string, columns: string[], unique: string[]): Promise<void> {
    if (this.created.has(taken)) return;
    const types = new Map(this.run.plan.target.columns.map((c) => [c.name, c.type]));
    const definition = columns.map((c) => `${quoteIdent(c)} ${types.get(c) ?? 'text'}`).join(', ');
    await client.query(`DROP TABLE IF EXISTS ${taken}; CREATE UNLOGGED TABLE ${taken} (${definition}); CREATE INDEX ON ${taken} (${list(unique)})`);
    this.created.add(taken);
  }

  /** Drops the tables of taken values; call when the load is over. */
  async drop(client: PoolClient): Promise<void> {
    for (const taken of this.created) await client.query(`DROP TABLE IF EXISTS ${taken}`);
    this.created.clear();
  }
}

