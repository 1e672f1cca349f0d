// The SQL of a conflict preview. Everything runs over the staged files (the same staging a load
// does) and session temp tables, so no key is ever held in JavaScript memory. Changing the order or
// the policy re-runs these statements over the staged rows; the files are not read again.
import type { ConflictPolicy, WriteMode } from '../../../shared/load-types.ts';
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

/** Every column of each staged row as jsonb, for showing versions. */
export function rowJson(alias: string, columns: string[]): string {
  return jsonOf(alias, columns);
}

/** Duplicate keys within each file (independent of order and policy). */
export function duplicatesSql(shape: PreviewShape): string {
  const perFile = shape.sources.map((s) => `SELECT ${s.file} AS file, ${list(shape.key)}, count(*) AS n FROM ${s.table} GROUP BY ${list(shape.key)} HAVING count(*) > 1`);
  return `CREATE TEMP TABLE pv_dups AS ${perFile.join(' UNION ALL ')}`;
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
 * What loading the files one at a time would do with each survivor ($1 = file indexes in load
 * order): insert, update, unchanged, collapsed (the first policy: an earlier file holds the key) or
 * error (insert mode, key exists). Mirrors the merge: the state a row is compared with is the stored
 * row overlaid with the earlier survivors that were applied.
 */
export function outcomesSql(shape: PreviewShape, mode: WriteMode, policy: ConflictPolicy): string {
  const nullRow = `jsonb_build_object(${shape.valueColumns.map((c) => `${quoteLiteral(c)}, NULL`).join(', ')})`;
  const storedVersion = shape.versionColumn && shape.target ? `t.${quoteIdent(shape.versionColumn)}` : 'NULL::int';
  const storedJoin = shape.target
    ? `LEFT JOIN (SELECT ${list(shape.key)}, ${jsonOf('t', shape.valueColumns)} AS stored, ${storedVersion} AS stored_ver FROM ${shape.target} t) t ON ${keyMatch('t', 'r', shape.key)}`
    : 'LEFT JOIN (SELECT NULL::jsonb AS stored, NULL::int AS stored_ver) t ON false';
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
      FROM (SELECT r.*, t.stored, t.stored_ver FROM ranked r ${storedJoin}) x
    ), folded AS (
      SELECT j.*, COALESCE(j.stored, ${nullRow}) || COALESCE(pg_temp.keyload_jsonb_fold(j.v) FILTER (WHERE j.applied)
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

export { keyMatch };
