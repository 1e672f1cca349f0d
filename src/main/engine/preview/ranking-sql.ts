// Re-ranking a preview: what the load does with each survivor under a file order and policy, read
// from the analysis in sql.ts ($1 = the staged files' plan indexes in load order). Two rankings:
//   owned   the files write the same columns (or first / ignore): a key is written once, by its
//           owner, so each survivor's outcome if it owns its key is known before any order is chosen.
//           pv_groups counts survivors by (the files that can own the key, their file, that outcome),
//           and an order only picks an owner per group: re-ranking reads a table of a few rows per
//           file combination, whatever the number of staged rows.
//   folded  files that map different columns load one after another, each overwriting its own
//           columns: the state a row meets depends on the order, so pv_outcome is rebuilt per order.
// pv_outcome, rebuilt per order through a session aggregate, stays a temp table. Which row wins is
// decided here and in the survivor masks of sql.ts only.
import type { ConflictPolicy, WriteMode } from '../../../shared/load-types.ts';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.ts';
import { list } from '../load/merge/sql.ts';
import { byVariant, eachVariantSql, jsonOf, keyIndexSql, keyMatch, rowValuesSql, survivesIn, survivesInEach, variantOf, type PageRanking, type PreviewShape, type Variant } from './sql.ts';

export interface Statement {
  text: string;
  values?: unknown[];
}

/** Each statement for a load order (the staged files' plan indexes). */
export interface Ranking extends PageRanking {
  /** Statements that build the ranking's tables, run before the reads; none for owned. */
  prepareSql(loadOrder: number[]): Statement[];
  /** Rows (file, outcome, n, protected): per file, how many survivors have each outcome. */
  outcomesSql(loadOrder: number[]): Statement;
  /** One row (changed, protected): keys in the table the load changes, and those the version policy keeps. */
  targetSql(loadOrder: number[]): Statement;
}

export function rankingFor(shape: PreviewShape, mode: WriteMode, policy: ConflictPolicy, ownersExact: boolean): Ranking {
  return ownersExact ? ownedRanking(shape, mode, variantOf(policy)) : foldedRanking(shape, mode, policy);
}

/** The version policy keeps the stored row (alias r is a pv_rows row). */
const keptSql = (variant: Variant) => (variant === 2 ? 'r.kept' : 'false');

/** The files that can own a key of pv_keys k: the highest versions under the version policy, except in ignore mode (the first writer keeps it). */
const topsSql = (mode: WriteMode, variant: Variant) => (variant === 2 && mode !== 'ignore' ? 'k.vtops' : 'k.holders');

/** Whether the latest of those files in load order owns the key (else the earliest); as the load's contested keys pick owners. */
function latestSql(mode: WriteMode, variant: Variant): string {
  if (mode === 'ignore' || variant === 1) return 'false';
  return variant === 2 ? 'k.top_ver IS NULL' : 'true';
}

/** The owner among `tops` in the load order $1: the latest or the earliest of them. */
function ownerSql(tops: string, latest: string): string {
  const position = `array_position($1::int[], f)`;
  return `CASE WHEN cardinality(${tops}) = 1 THEN ${tops}[1]
    ELSE (SELECT f FROM unnest(${tops}) f ORDER BY CASE WHEN ${latest} THEN -${position} ELSE ${position} END LIMIT 1) END`;
}

/**
 * pv_groups: per variant, survivors counted by the files that can own their key, their own file,
 * and what loading them does if they own it: insert (no stored row), unchanged (equal to it, kept by
 * the version policy, or ignore mode) or update.
 */
export function groupsSelect(shape: PreviewShape, mode: WriteMode): string {
  const kept = byVariant(shape, keptSql);
  return `SELECT v.variant, ${byVariant(shape, (variant) => topsSql(mode, variant))} AS tops, ${byVariant(shape, (variant) => latestSql(mode, variant))} AS latest, r.file,
        CASE WHEN NOT r.in_table THEN 'insert' WHEN ${mode !== 'upsert'} OR ${kept} OR cardinality(r.diff) = 0 THEN 'unchanged' ELSE 'update' END AS outcome,
        ${kept} AS kept, count(*) AS n
      FROM ${shape.tables.rows} r JOIN ${shape.tables.keys} k ON ${keyMatch('k', 'r', shape.key)} ${eachVariantSql(shape)}
      WHERE ${survivesInEach('r')} GROUP BY 1, 2, 3, 4, 5, 6`;
}

function ownedRanking(shape: PreviewShape, mode: WriteMode, variant: Variant): Ranking {
  const outcomes = `SELECT g.file, CASE WHEN g.file = o.owner THEN g.outcome ELSE 'superseded' END AS outcome, sum(g.n)::bigint AS n,
      COALESCE(sum(g.n) FILTER (WHERE g.file = o.owner AND g.kept), 0)::bigint AS protected
    FROM ${shape.tables.groups} g CROSS JOIN LATERAL (SELECT ${ownerSql('g.tops', 'g.latest')} AS owner) o
    WHERE g.variant = ${variant} GROUP BY 1, 2`;
  const owned = `r.file = ${ownerSql(topsSql(mode, variant), latestSql(mode, variant))}`;
  const applied = `NOT ${keptSql(variant)} AND (NOT r.in_table OR ${mode === 'upsert'})`;
  return {
    variant,
    prepareSql: () => [],
    outcomesSql: (loadOrder) => ({ text: outcomes, values: [loadOrder] }),
    targetSql: (loadOrder) => ({
      text: `SELECT COALESCE(sum(n) FILTER (WHERE outcome = 'update'), 0) AS changed, COALESCE(sum(protected), 0) AS protected FROM (${outcomes}) o`,
      values: [loadOrder],
    }),
    targetKeysSql: `SELECT ${list(shape.key, 'r.')}, 'target' AS kind FROM ${shape.tables.rows} r JOIN ${shape.tables.keys} k ON ${keyMatch('k', 'r', shape.key)}
      WHERE ${survivesIn('r', variant)} AND r.in_table AND (${keptSql(variant)} OR (${mode === 'upsert'} AND NOT cardinality(r.diff) = 0)) AND ${owned}`,
    winnersSql: (keys) => `SELECT ${list(shape.key, 'p.')}, r.file, r.ord, ${rowValuesSql(shape, 'r')} AS v
      FROM ${keys} p JOIN ${shape.tables.keys} k ON ${keyMatch('k', 'p', shape.key)} JOIN ${shape.tables.rows} r ON ${keyMatch('r', 'p', shape.key)} AND ${survivesIn('r', variant)}
      WHERE ${owned} AND ${applied}`,
  };
}

const nullRowOf = (shape: PreviewShape) => `jsonb_build_object(${shape.valueColumns.map((c) => `${quoteLiteral(c)}, NULL`).join(', ')})`;

function storedJoinOf(shape: PreviewShape): string {
  const storedVersion = shape.versionColumn && shape.target ? `t.${quoteIdent(shape.versionColumn)}` : 'NULL::int';
  return shape.target
    ? `LEFT JOIN (SELECT ${list(shape.key)}, ${jsonOf('t', shape.valueColumns)} AS stored, ${storedVersion} AS stored_ver FROM ${shape.target} t) t ON ${keyMatch('t', 'r', shape.key)}`
    : 'LEFT JOIN (SELECT NULL::jsonb AS stored, NULL::int AS stored_ver) t ON false';
}

/** jsonb || jsonb as an aggregate, so a window can fold earlier rows into a state. */
export const foldAggregateSql = `CREATE OR REPLACE AGGREGATE pg_temp.keyload_jsonb_fold(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}')`;

/**
 * pv_outcome for loading the files one at a time, each writing all its keys: the state a row is
 * compared with is the stored row overlaid with the earlier survivors that were applied. Outcomes:
 * insert, update, unchanged, collapsed (first policy: an earlier file has the key) or error (insert
 * mode, the key exists).
 */
function foldedOutcomeSql(shape: PreviewShape, mode: WriteMode, policy: ConflictPolicy): string {
  const upsert = quoteLiteral(mode) + " = 'upsert'";
  const current = 'GREATEST(x.stored_ver, x.prev_ver)';
  const applied =
    policy === 'first'
      ? `x.seq = 1 AND (x.stored IS NULL OR ${upsert})`
      : `CASE WHEN NOT ${upsert} THEN x.seq = 1 AND x.stored IS NULL
              ${policy === 'version' ? `WHEN x.seq = 1 AND x.stored IS NULL THEN true ELSE ${current} IS NULL OR x.ver > ${current}` : 'ELSE true'} END`;
  const window = `PARTITION BY ${list(shape.key)} ORDER BY pos`;
  const survivors = `SELECT file, ord, line, ${list(shape.key)}, ${rowValuesSql(shape, 'r')} AS v, ver FROM ${shape.tables.rows} r WHERE ${survivesIn('r', variantOf(policy))}`;
  return `CREATE TEMP TABLE pv_outcome AS
    WITH ranked AS (
      SELECT s.*, p.pos, row_number() OVER w AS seq, max(s.ver) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_ver
      FROM (${survivors}) s JOIN unnest($1::int[]) WITH ORDINALITY AS p(file, pos) ON p.file = s.file
      WINDOW w AS (PARTITION BY ${list(shape.key, 's.')} ORDER BY p.pos)
    ), judged AS (
      SELECT x.*, ${applied} AS applied,
             x.stored_ver IS NOT NULL AND x.ver IS NOT NULL AND x.stored_ver >= x.ver AND x.stored_ver >= COALESCE(x.prev_ver, x.stored_ver) AS protected
      FROM (SELECT r.*, t.stored, t.stored_ver FROM ranked r ${storedJoinOf(shape)}) x
    ), folded AS (
      SELECT j.*, COALESCE(j.stored, ${nullRowOf(shape)}) || COALESCE(pg_temp.keyload_jsonb_fold(j.v) FILTER (WHERE j.applied)
               OVER (${window} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), '{}') AS state
      FROM judged j
    )
    SELECT file, pos, seq, ord, line, ${list(shape.key)}, v, stored, state, applied,
           (NOT applied AND ${policy === 'version' ? 'protected' : 'false'}) AS protected,
           CASE WHEN ${policy === 'first' ? 'seq > 1' : 'false'} THEN 'collapsed'
                WHEN seq = 1 AND stored IS NULL THEN 'insert'
                WHEN ${quoteLiteral(mode)} = 'insert' THEN 'error'
                WHEN NOT applied OR state @> v THEN 'unchanged'
                ELSE 'update' END AS outcome
    FROM folded`;
}

function foldedRanking(shape: PreviewShape, mode: WriteMode, policy: ConflictPolicy): Ranking {
  const k = list(shape.key);
  return {
    variant: variantOf(policy),
    prepareSql: (loadOrder) => [
      { text: 'DROP TABLE IF EXISTS pg_temp.pv_outcome' },
      { text: foldedOutcomeSql(shape, mode, policy), values: [loadOrder] },
      { text: `${keyIndexSql('pg_temp.pv_outcome', shape.key)}; ANALYZE pg_temp.pv_outcome` },
    ],
    outcomesSql: () => ({ text: `SELECT file, outcome, count(*) AS n, count(*) FILTER (WHERE protected) AS protected FROM pg_temp.pv_outcome GROUP BY 1, 2` }),
    targetSql: () => ({
      text: `SELECT count(DISTINCT (${k})) FILTER (WHERE stored IS NOT NULL AND outcome = 'update') AS changed,
                       count(DISTINCT (${k})) FILTER (WHERE protected) AS protected
                FROM pg_temp.pv_outcome`,
    }),
    targetKeysSql: `SELECT DISTINCT ${k}, 'target' AS kind FROM pg_temp.pv_outcome WHERE stored IS NOT NULL AND (outcome IN ('update', 'error') OR protected)`,
    // The last applied survivor that changed something, else the last applied one.
    winnersSql: (keys) => `SELECT DISTINCT ON (${list(shape.key, 'p.')}) ${list(shape.key, 'p.')}, o.file, o.ord, o.v
      FROM ${keys} p JOIN pg_temp.pv_outcome o ON ${keyMatch('o', 'p', shape.key)}
      WHERE o.applied ORDER BY ${list(shape.key, 'p.')}, o.outcome <> 'unchanged' DESC, o.pos DESC`,
  };
}
