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
import { quoteIdent } from '../sql/identifiers.ts';
import type { UniqueKey } from '../target/introspect.ts';
import { acceptRejects, mergeSpec, stagedColumns, type FileContext, type RunContext } from './file-context.ts';
import { list, survivorsSql } from './merge-sql.ts';
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
    let removed = 0;
    for (const { unique, taken } of this.secondaryKeys(ctx)) {
      await this.ensureTaken(client, taken, key, unique.columns);
      const u = unique.columns;
      const otherKey = (alias: string) => (keyed ? `${row(alias, key)} IS DISTINCT FROM ${row('w', key)}` : 'true');
      const outside = [
        `EXISTS (SELECT 1 FROM ${taken} e WHERE ${row('e', u)} = ${row('w', u)} AND ${otherKey('e')})`,
        ...(this.stored
          ? [`EXISTS (SELECT 1 FROM ${spec.target} t WHERE ${row('t', u)} = ${row('w', u)} AND ${otherKey('t')})`]
          : []),
      ].join(' OR ');
      // Survivors hold one row per key, so an earlier survivor with the same values has another key.
      const ranked = `SELECT ${list([...key, ORD])}, row_number() OVER (PARTITION BY ${list(u)} ORDER BY ${quoteIdent(ORD)}) AS n
        FROM w WHERE ${u.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')}`;
      const keyAndOrd = list(keyed ? [...key, ORD] : [ORD]);
      // Outside first, so a row the table already holds is not pushed out by a rejected newcomer.
      for (const bad of [`SELECT ${keyAndOrd} FROM w WHERE ${outside}`, `SELECT ${keyAndOrd} FROM (${ranked}) r WHERE n > 1`]) {
        const result = await client.query<{ survivor: boolean; line: string; values: (string | null)[] }>(`
          WITH ${survivors}, bad AS (${bad})
          DELETE FROM ${source} s USING bad b WHERE ${row('s', key)} = ${row('b', key)}
          RETURNING s.${quoteIdent(ORD)} = b.${quoteIdent(ORD)} AS survivor, s.${quoteIdent(LINE)} AS line, ${stagedValuesJson('s', columns)} AS values`);
        const reason = `would violate unique constraint ${unique.name}`;
        const rejected = result.rows.filter((r) => r.survivor).map((r) => ({ line: Number(r.line), column: u.join(', '), reason, values: r.values }));
        await acceptRejects(ctx, rejected.sort((a, b) => a.line - b.line));
        removed += rejected.length;
      }
      await client.query(`WITH ${survivors} INSERT INTO ${taken} (${list([...key, ...u])}) SELECT ${list([...key, ...u])} FROM w WHERE ${u.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')}`);
    }
    return removed;
  }

  private async ensureTaken(client: PoolClient, taken: string, key: string[], unique: string[]): Promise<void> {
    if (this.created.has(taken)) return;
    const keyTypes = key.includes(ORD) ? `${quoteIdent(ORD)} bigint` : null;
    const byName = new Map(this.run.plan.target.columns.map((c) => [c.name, c.type]));
    const columns = [...(keyTypes ? [keyTypes] : key.map((k) => `${quoteIdent(k)} ${byName.get(k) ?? 'text'}`)), ...unique.map((c) => `${quoteIdent(c)} ${byName.get(c) ?? 'text'}`)];
    await client.query(`DROP TABLE IF EXISTS ${taken}; CREATE UNLOGGED TABLE ${taken} (${columns.join(', ')});
      CREATE INDEX ON ${taken} (${list(unique)}); CREATE INDEX ON ${taken} (${list(key)})`);
    this.created.add(taken);
  }

  /** Drops the tables of taken values; call when the load is over. */
  async drop(client: PoolClient): Promise<void> {
    for (const taken of this.created) await client.query(`DROP TABLE IF EXISTS ${taken}`);
    this.created.clear();
  }
}

