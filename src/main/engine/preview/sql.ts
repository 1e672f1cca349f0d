// The SQL of a conflict preview. Everything runs over the staged files (the same staging a load
// does) and session temp tables, so no key is ever held in JavaScript memory. Changing the order or
// the policy re-runs these statements over the staged rows; the files are not read again.
//   pv_dups     keys occurring more than once in a file (order and policy do not matter)
//   pv_surv     each file's surviving row per key under the policy
//   pv_outcome  what the load does with each survivor (written by its key's owner, or the serial fold)
//   pv_cross    keys whose survivors differ between files, with the columns that differ
// Which row wins is decided here only: survivorOrder (within a file), outcomesSql (which survivors
// are applied, with the load's owners of contested keys) and winnersSql (whose values end up in the table).
import type { ConflictPolicy, WriteMode } from '../../../shared/load-types.ts';
import type { ConflictKind } from '../../../shared/preview-types.ts';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.ts';
import { list, survivorOrder } from '../load/merge/sql.ts';
import { LINE, ORD } from '../load/stage/validation.ts';

export interface StagedSource {
  /** Index of the file in the plan (its staging rank). */
  file: number;
  /** The staged rows (staging parent table). */
  table: string;
  /** Table columns the file provides, key included. */
  columns: string[];
}

export interface PreviewShape {
  key: string[];
  sources: StagedSource[];
  /** Every column some file provides, key excluded. */
  valueColumns: string[];
  versionColumn: string | null;
  /** The target table, or null when --create-table would create it (no stored rows). */
  target: string | null;
}

const jsonOf = (alias: string, columns: string[]) => `jsonb_build_object(${columns.map((c) => `${quoteLiteral(c)}, ${alias}.${quoteIdent(c)}`).join(', ')})`;
const keyMatch = (a: string, b: string, key: string[]) => key.map((k) => `${a}.${quoteIdent(k)} = ${b}.${quoteIdent(k)}`).join(' AND ');
const nonKey = (shape: PreviewShape, columns: string[]) => columns.filter((c) => !shape.key.includes(c));

/** An index on the key, so per-key lookups and joins on `table` do not scan it. */
export function keyIndexSql(table: string, key: string[]): string {
  return `CREATE INDEX ON ${table} (${list(key)})`;
}

/** Duplicate keys within each file (independent of order and policy). */
export function duplicatesSql(shape: PreviewShape): string {
  // No staged file: an empty table, so the statements that read it still run.
  if (shape.sources.length === 0) return `CREATE TEMP TABLE pv_dups AS SELECT 0 AS file, 0::bigint AS n WHERE false`;
  const perFile = shape.sources.map((s) => `SELECT ${s.file} AS file, ${list(shape.key)}, count(*) AS n FROM ${s.table} GROUP BY ${list(shape.key)} HAVING count(*) > 1`);
  return `CREATE TEMP TABLE pv_dups AS ${perFile.join(' UNION ALL ')}`;
}

/** Drops what a previous order and policy left, before re-ranking. */
export const dropRankingSql = 'DROP TABLE IF EXISTS pg_temp.pv_surv, pg_temp.pv_outcome, pg_temp.pv_cross';

/** A temp table of the ranking indexed on the key and analysed, for the joins that follow. */
export function indexRankingSql(table: 'pv_surv' | 'pv_outcome', key: string[]): string {
  return `${keyIndexSql(`pg_temp.${table}`, key)}; ANALYZE pg_temp.${table}`;
}

/** One surviving row per key and file under the policy, with its non-key values as jsonb. */
export function survivorsSql(shape: PreviewShape, policy: ConflictPolicy): string {
  const order = survivorOrder({ policy, versionColumn: shape.versionColumn ?? undefined });
  const version = shape.versionColumn ? `s.${quoteIdent(shape.versionColumn)}` : 'NULL::int';
  const perFile = shape.sources.map(
    (s) => `SELECT ${s.file} AS file, s.${quoteIdent(ORD)} AS ord, s.${quoteIdent(LINE)} AS line, ${list(shape.key, 's.')},
      ${jsonOf('s', nonKey(shape, s.columns))} AS v, ${version} AS ver
      FROM (SELECT DISTINCT ON (${list(shape.key)}) * FROM ${s.table} ORDER BY ${list(shape.key)}, ${order}) s`,
  );
  return `CREATE TEMP TABLE pv_surv AS ${perFile.join(' UNION ALL ')}`;
}

/**
 * What the load would do with each survivor ($1 = file indexes in load order, $2 = the mode):
 * insert, update, unchanged, superseded (another file owns the key), collapsed (the fold below) or
 * error (insert mode, key exists). With exact owners (as the load's contested keys), only the
 * owner of a key several files hold writes it, compared with the stored row.
 */
export function outcomesSql(shape: PreviewShape, mode: WriteMode, policy: ConflictPolicy, ownersExact: boolean): string {
  return ownersExact ? ownedOutcomesSql(shape, mode, policy) : foldedOutcomesSql(shape, policy);
}

function storedJoinOf(shape: PreviewShape): string {
  const storedVersion = shape.versionColumn && shape.target ? `t.${quoteIdent(shape.versionColumn)}` : 'NULL::int';
  return shape.target
    ? `LEFT JOIN (SELECT ${list(shape.key)}, ${jsonOf('t', shape.valueColumns)} AS stored, ${storedVersion} AS stored_ver FROM ${shape.target} t) t ON ${keyMatch('t', 'r', shape.key)}`
    : 'LEFT JOIN (SELECT NULL::jsonb AS stored, NULL::int AS stored_ver) t ON false';
}

const nullRowOf = (shape: PreviewShape) => `jsonb_build_object(${shape.valueColumns.map((c) => `${quoteLiteral(c)}, NULL`).join(', ')})`;

/** The owner of each key as the load's contested keys pick it, by load position instead of rank. */
function ownerOrder(mode: WriteMode, policy: ConflictPolicy, shape: PreviewShape): string {
  if (mode === 'ignore' || policy === 'first') return 'p.pos ASC';
  if (policy === 'version' && shape.versionColumn) return 's.ver DESC NULLS LAST, CASE WHEN s.ver IS NULL THEN -p.pos ELSE p.pos END';
  return 'p.pos DESC';
}

function ownedOutcomesSql(shape: PreviewShape, mode: WriteMode, policy: ConflictPolicy): string {
  // The version policy never overwrites a stored row that is as new or newer.
  const kept = policy === 'version' && shape.versionColumn ? 'x.stored_ver IS NOT NULL AND NOT COALESCE(x.ver > x.stored_ver, false)' : 'false';
  const byKey = `PARTITION BY ${list(shape.key, 's.')}`;
  return `CREATE TEMP TABLE pv_outcome AS
    WITH ranked AS (
      SELECT s.*, p.pos, row_number() OVER (${byKey} ORDER BY p.pos) AS seq, count(*) OVER (${byKey}) AS holders,
             first_value(s.file) OVER (${byKey} ORDER BY ${ownerOrder(mode, policy, shape)}) AS owner
      FROM pv_surv s JOIN unnest($1::int[]) WITH ORDINALITY AS p(file, pos) ON p.file = s.file
    ), judged AS (
      SELECT x.*, (x.holders > 1 AND x.file <> x.owner) AS superseded, (x.stored IS NOT NULL AND ${kept}) AS kept
      FROM (SELECT r.*, t.stored, t.stored_ver FROM ranked r ${storedJoinOf(shape)}) x
    )
    SELECT file, pos, seq, ord, line, ${list(shape.key)}, v, stored, COALESCE(stored, ${nullRowOf(shape)}) AS state,
           NOT superseded AND NOT kept AND (stored IS NULL OR $2 = 'upsert') AS applied,
           NOT superseded AND kept AS protected,
           CASE WHEN superseded THEN 'superseded'
                WHEN stored IS NULL THEN 'insert'
                WHEN $2 = 'insert' THEN 'error'
                WHEN $2 <> 'upsert' OR kept OR COALESCE(stored, ${nullRowOf(shape)}) @> v THEN 'unchanged'
                ELSE 'update' END AS outcome
    FROM judged`;
}

/**
 * Loading the files one at a time, each writing all its keys (files that map different columns):
 * the state a row is compared with is the stored row overlaid with the earlier survivors that were
 * applied.
 */
function foldedOutcomesSql(shape: PreviewShape, policy: ConflictPolicy): string {
  const current = 'GREATEST(x.stored_ver, x.prev_ver)';
  const applied =
    policy === 'first'
      ? 'x.seq = 1 AND (x.stored IS NULL OR $2 = \'upsert\')'
      : `CASE WHEN $2 <> 'upsert' THEN x.seq = 1 AND x.stored IS NULL
              ${policy === 'version' ? `WHEN x.seq = 1 AND x.stored IS NULL THEN true ELSE ${current} IS NULL OR x.ver > ${current}` : 'ELSE true'} END`;
  const window = `PARTITION BY ${list(shape.key)} ORDER BY pos`;
  return `CREATE TEMP TABLE pv_outcome AS
    WITH ranked AS (
      SELECT s.*, p.pos, row_number() OVER w AS seq, max(s.ver) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_ver
      FROM pv_surv s JOIN unnest($1::int[]) WITH ORDINALITY AS p(file, pos) ON p.file = s.file
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
                WHEN $2 = 'insert' THEN 'error'
                WHEN NOT applied OR state @> v THEN 'unchanged'
                ELSE 'update' END AS outcome
    FROM folded`;
}

/** jsonb || jsonb as an aggregate, so a window can fold earlier rows into a state. */
export const foldAggregateSql = `CREATE OR REPLACE AGGREGATE pg_temp.keyload_jsonb_fold(jsonb) (SFUNC = jsonb_concat, STYPE = jsonb, INITCOND = '{}')`;

/** Keys whose surviving rows differ between files, with the columns that differ. */
export function crossFileSql(shape: PreviewShape): string {
  const differs = shape.valueColumns.map(
    (c) => `CASE WHEN count(DISTINCT v -> ${quoteLiteral(c)}) FILTER (WHERE v ? ${quoteLiteral(c)}) > 1 THEN ${quoteLiteral(c)} END`,
  );
  return `CREATE TEMP TABLE pv_cross AS
    SELECT * FROM (
      SELECT ${list(shape.key)}, array_remove(ARRAY[${differs.join(', ') || 'NULL'}]::text[], NULL) AS columns
      FROM pv_surv GROUP BY ${list(shape.key)} HAVING count(*) > 1) c
    WHERE cardinality(columns) > 0`;
}

/** overlap[a][b] for a <= b: keys present in both files (a = b: the file's distinct keys). */
export function overlapSql(shape: PreviewShape): string {
  return `SELECT a.file AS a, b.file AS b, count(*)::bigint AS n FROM pv_surv a JOIN pv_surv b ON ${keyMatch('a', 'b', shape.key)} AND a.file <= b.file GROUP BY 1, 2`;
}

/** Per file and outcome: how many survivors, and how many of them the version policy protects. */
export const outcomeCountsSql = `SELECT file, outcome, count(*) AS n, count(*) FILTER (WHERE protected) AS protected FROM pg_temp.pv_outcome GROUP BY 1, 2`;

/** Per file: how many keys survive (the rest of its staged rows collapsed into them). */
export const survivorCountsSql = `SELECT file, count(*) AS n FROM pg_temp.pv_surv GROUP BY 1`;

/** Per file: how many keys occur more than once. */
export const duplicateCountsSql = `SELECT file, count(*) AS n FROM pg_temp.pv_dups GROUP BY 1`;

/** Per column: how many keys differ between files in it. */
export const crossColumnCountsSql = `SELECT c AS column, count(*) AS keys FROM pg_temp.pv_cross, unnest(columns) c GROUP BY c ORDER BY c`;

export const crossKeyCountSql = `SELECT count(*) AS n FROM pg_temp.pv_cross`;

/** Keys already in the table: how many, how many the load changes, how many the version policy protects. */
export function targetCountsSql(shape: PreviewShape): string {
  const k = list(shape.key);
  return `SELECT count(DISTINCT (${k})) FILTER (WHERE stored IS NOT NULL) AS existing,
              count(DISTINCT (${k})) FILTER (WHERE stored IS NOT NULL AND outcome = 'update') AS changed,
              count(DISTINCT (${k})) FILTER (WHERE protected) AS protected
       FROM pg_temp.pv_outcome`;
}

export type ConflictKeyKind = Exclude<ConflictKind, 'rejected'>;

/** The kinds a conflicting key is listed under, by priority: a key appears once, under the first it has. */
export const CONFLICT_KEY_KINDS: readonly ConflictKeyKind[] = ['cross-file', 'duplicate', 'target'];

export interface ConflictFilter {
  kinds: readonly ConflictKeyKind[];
  /** Substring of the key as text, case-insensitive. */
  key?: string;
  /** Plan indexes of files the key must be in (each of them). */
  files?: number[];
  /** A column the key's values differ in, between files or between the table and a file. */
  column?: string;
}

function conflictKeysSql(shape: PreviewShape, kind: ConflictKeyKind): string {
  const k = list(shape.key);
  if (kind === 'duplicate') return `SELECT DISTINCT ${k}, 'duplicate' AS kind FROM pg_temp.pv_dups`;
  if (kind === 'cross-file') return `SELECT ${k}, 'cross-file' AS kind FROM pg_temp.pv_cross`;
  return `SELECT DISTINCT ${k}, 'target' AS kind FROM pg_temp.pv_outcome WHERE stored IS NOT NULL AND (outcome IN ('update', 'error') OR protected)`;
}

/** The conflicting keys that pass the filter (alias c), one row per key with its kind. Pushes its parameters onto `params`. */
function candidatesSql(shape: PreviewShape, filter: ConflictFilter, params: unknown[]): string {
  const k = list(shape.key);
  const where: string[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.key !== undefined) {
    where.push(`concat_ws(', ', ${shape.key.map((c) => `c.${quoteIdent(c)}::text`).join(', ')}) ILIKE ${param(`%${filter.key}%`)}`);
  }
  for (const file of filter.files ?? []) {
    where.push(`EXISTS (SELECT 1 FROM pg_temp.pv_surv s WHERE s.file = ${param(file)} AND ${keyMatch('s', 'c', shape.key)})`);
  }
  if (filter.column !== undefined) {
    const p = param(filter.column);
    where.push(`(EXISTS (SELECT 1 FROM pg_temp.pv_cross x WHERE ${keyMatch('x', 'c', shape.key)} AND ${p} = ANY(x.columns))
        OR EXISTS (SELECT 1 FROM pg_temp.pv_outcome o WHERE ${keyMatch('o', 'c', shape.key)} AND o.stored IS NOT NULL AND o.v ? ${p} AND o.stored -> ${p} IS DISTINCT FROM o.v -> ${p}))`);
  }
  const priority = `array_position(ARRAY[${CONFLICT_KEY_KINDS.map(quoteLiteral).join(', ')}], kind)`;
  const candidates = `SELECT DISTINCT ON (${k}) * FROM (${filter.kinds.map((kind) => conflictKeysSql(shape, kind)).join(' UNION ALL ')}) u ORDER BY ${k}, ${priority}`;
  return `SELECT * FROM (${candidates}) c${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
}

/**
 * The row whose values end up in the table, per key of `keys`: the last applied survivor that
 * changed something, else the last applied one; none when the policy applies none (the stored row stays).
 */
function winnersSql(shape: PreviewShape, keys: string): string {
  return `SELECT DISTINCT ON (${list(shape.key, 'p.')}) ${list(shape.key, 'p.')}, o.file, o.ord, o.v
    FROM ${keys} p JOIN pg_temp.pv_outcome o ON ${keyMatch('o', 'p', shape.key)}
    WHERE o.applied ORDER BY ${list(shape.key, 'p.')}, o.outcome <> 'unchanged' DESC, o.pos DESC`;
}

/**
 * One page of conflicting keys in one statement, whatever the page size: the first row carries the
 * total of keys passing the filter; each row (none when the page is empty) carries an entry: the key
 * columns, its kind, the columns that differ, the stored row's values (or NULL), and every staged
 * row of the key in every file as jsonb [{file, line, values, winner}], in load order then line.
 * $1 = the staged files' plan indexes in load order.
 */
export function conflictPageSql(shape: PreviewShape, filter: ConflictFilter, page: { offset: number; limit: number }, loadOrder: number[]): { text: string; values: unknown[] } {
  const values: unknown[] = [loadOrder];
  const candidates = candidatesSql(shape, filter, values);
  const limit = `$${values.push(page.limit)}`;
  const offset = `$${values.push(page.offset)}`;
  const k = list(shape.key);
  const pk = list(shape.key, 'p.');
  // Per file, so each join uses that staging table's key index.
  const rows = shape.sources.map(
    (s) => `SELECT ${pk}, ${s.file} AS file, s.${quoteIdent(ORD)} AS ord, s.${quoteIdent(LINE)} AS line, ${jsonOf('s', s.columns)} AS values
      FROM page p JOIN ${s.table} s ON ${keyMatch('s', 'p', shape.key)}`,
  );
  const text = `WITH candidates AS MATERIALIZED (${candidates}),
    page AS (SELECT * FROM candidates ORDER BY ${k} LIMIT ${limit} OFFSET ${offset}),
    winners AS (${winnersSql(shape, 'page')}),
    stored AS (
      SELECT DISTINCT ON (${pk}) ${pk}, o.stored FROM page p JOIN pg_temp.pv_outcome o ON ${keyMatch('o', 'p', shape.key)} ORDER BY ${pk}, o.pos),
    versions AS (
      SELECT ${list(shape.key, 'r.')}, jsonb_agg(jsonb_build_object('file', r.file, 'line', r.line, 'values', r.values,
               'winner', COALESCE(r.file = w.file AND r.ord = w.ord, false)) ORDER BY array_position($1::int[], r.file), r.line) AS versions
      FROM (${rows.join(' UNION ALL ')}) r LEFT JOIN winners w ON ${keyMatch('w', 'r', shape.key)}
      GROUP BY ${list(shape.key, 'r.')}),
    entries AS (
      SELECT ${pk}, p.kind,
             COALESCE(x.columns, ARRAY(SELECT c FROM jsonb_object_keys(w.v) c WHERE st.stored IS NOT NULL AND st.stored -> c IS DISTINCT FROM w.v -> c)) AS columns,
             st.stored, COALESCE(v.versions, '[]') AS versions
      FROM page p
      LEFT JOIN pg_temp.pv_cross x ON ${keyMatch('x', 'p', shape.key)}
      LEFT JOIN winners w ON ${keyMatch('w', 'p', shape.key)}
      LEFT JOIN stored st ON ${keyMatch('st', 'p', shape.key)}
      LEFT JOIN versions v ON ${keyMatch('v', 'p', shape.key)})
    SELECT t.total, e.* FROM (SELECT count(*) AS total FROM candidates) t LEFT JOIN entries e ON true ORDER BY ${list(shape.key, 'e.')}`;
  return { text, values };
}
