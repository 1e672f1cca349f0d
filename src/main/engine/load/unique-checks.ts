// Rows that would break a unique constraint other than the conflict key are found set-based after
// staging, before anything is written, and go to the rejects file named by the constraint; writing
// them would fail the file part way instead. A file's surviving row (one per key) is rejected when
// its values of such a constraint are already taken:
//   - by a stored row with another key that no earlier file of the run rewrites,
//   - by an earlier file's surviving row with another key,
//   - or by an earlier row of the same file with another key (the first occurrence keeps them).
// All the rows of a rejected key leave the staging table, so no older duplicate takes its place.
// NULLs never collide, as in a default (NULLS DISTINCT) unique index.
import type { PoolClient } from 'pg';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.ts';
import type { UniqueKey } from '../target/introspect.ts';
import { acceptRejects, mergeSpec, stagedColumns, type FileContext } from './file-context.ts';
import { list, survivorsSql, type MergeSpec } from './merge-sql.ts';
import { stagedValuesJson, type StagedFile } from './stage.ts';
import { LINE, ORD } from './validation.ts';

/** The target's unique keys, other than the conflict key, whose columns this file provides. */
export function secondaryKeys(ctx: FileContext): UniqueKey[] {
  const key = ctx.run.plan.key ?? [];
  const provided = new Set(stagedColumns(ctx).map((c) => c.name));
  const isConflictKey = (k: UniqueKey) => k.columns.length === key.length && k.columns.every((c) => key.includes(c));
  return ctx.run.plan.target.uniqueKeys.filter((k) => !isConflictKey(k) && k.columns.every((c) => provided.has(c)));
}

export interface UniqueCheckScope {
  /** The staging tables of the files before this one that staged (in file order). */
  earlier: StagedFile[];
  /** Compare with the stored rows too (not for replace, which empties the table first). */
  stored: boolean;
}

const row = (alias: string, columns: string[]) => `(${list(columns, `${alias}.`)})`;

/**
 * Deletes the staged rows of keys whose surviving row takes values of `unique` held elsewhere:
 * 'outside' by stored rows or earlier files, 'within' by an earlier surviving row of the file.
 * Run 'outside' first, so a row the table already holds is not pushed out by a rejected newcomer.
 */
function violationsSql(spec: MergeSpec, source: string, unique: UniqueKey, scope: UniqueCheckScope, within: boolean, ignoreExisting: boolean): string {
  const keyed = spec.key.length > 0;
  const key = keyed ? spec.key : [ORD];
  const u = unique.columns;
  const survivors = (table: string, before: string[]) => (keyed ? survivorsSql(spec, table, spec.policy === 'first' ? before : []) : `SELECT * FROM ${table}`);
  const earlierTables = scope.earlier.map((e) => e.table.parent);
  const earlier = earlierTables.map((table, i) => `SELECT ${list([...key, ...u])} FROM (${survivors(table, earlierTables.slice(0, i))}) x`).join(' UNION ALL ');
  const otherKey = (alias: string) => (keyed ? `${row(alias, key)} IS DISTINCT FROM ${row('w', key)}` : 'true');
  // Ignore mode leaves keys that are stored alone, so their rows write nothing.
  const written = ignoreExisting ? ` WHERE NOT EXISTS (SELECT 1 FROM ${spec.target} t WHERE ${row('t', key)} = ${row('s', key)})` : '';
  const ctes = [`w AS MATERIALIZED (SELECT * FROM (${survivors(source, earlierTables)}) s${written})`];
  let bad: string;
  if (within) {
    // Survivors have one row per key, so any earlier survivor with the same values has another key.
    const ranked = `SELECT ${list([...key, ORD])}, row_number() OVER (PARTITION BY ${list(u)} ORDER BY ${quoteIdent(ORD)}) AS n FROM w WHERE ${u.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')}`;
    bad = `SELECT ${list(keyed ? [...key, ORD] : [ORD])} FROM (${ranked}) r WHERE n > 1`;
  } else {
    if (earlier) ctes.push(`e AS MATERIALIZED (${earlier})`);
    const conditions = [
      ...(earlier ? [`EXISTS (SELECT 1 FROM e WHERE ${row('e', u)} = ${row('w', u)} AND ${otherKey('e')})`] : []),
      ...(scope.stored
        ? [`EXISTS (SELECT 1 FROM ${spec.target} t WHERE ${row('t', u)} = ${row('w', u)} AND ${otherKey('t')}${keyed && earlier ? ` AND NOT EXISTS (SELECT 1 FROM e WHERE ${row('e', key)} = ${row('t', key)})` : ''})`]
        : []),
    ];
    if (conditions.length === 0) return '';
    bad = `SELECT ${list(keyed ? [...key, ORD] : [ORD], 'w.')} FROM w WHERE ${conditions.join(' OR ')}`;
  }
  ctes.push(`bad AS (${bad})`);
  return `WITH ${ctes.join(',\n    ')}
    DELETE FROM ${source} s USING bad b WHERE ${row('s', key)} = ${row('b', key)}
    RETURNING s.${quoteIdent(ORD)} = b.${quoteIdent(ORD)} AS survivor, s.${quoteIdent(LINE)} AS line`;
}

/** Rejects the file's rows that would violate a secondary unique key; returns how many surviving rows left staging. */
export async function rejectUniqueViolations(ctx: FileContext, client: PoolClient, staged: StagedFile, scope: UniqueCheckScope): Promise<number> {
  const keys = secondaryKeys(ctx);
  if (keys.length === 0) return 0;
  const spec = mergeSpec(ctx, ctx.run.plan.options.mode === 'ignore' ? 'ignore' : 'upsert');
  const columns = stagedColumns(ctx);
  let removed = 0;
  const passes = keys.flatMap((unique) => [false, true].map((within) => ({ unique, within })));
  for (const { unique, within } of passes) {
    const sql = violationsSql(spec, staged.table.parent, unique, scope, within, ctx.run.plan.options.mode === 'ignore');
    if (!sql) continue;
    const returning = `${sql}, ${quoteLiteral(unique.columns.join(', '))} AS column, ${stagedValuesJson('s', columns)} AS values`;
    const result = await client.query<{ survivor: boolean; line: string; column: string; values: (string | null)[] }>(returning);
    const rejected = result.rows.filter((r) => r.survivor).map((r) => ({ line: Number(r.line), column: r.column, reason: `would violate unique constraint ${unique.name}`, values: r.values }));
    await acceptRejects(ctx, rejected.sort((a, b) => a.line - b.line));
    removed += rejected.length;
  }
  return removed;
}
