// The set-based SQL that moves staged rows into the target. A merge unit is one hash partition of
// one file's staged rows: it keeps each key's winning row (DISTINCT ON, by explicit ordinal or
// version, never ctid) and upserts them in key order, in one statement. A key several files hold
// is written once per run: only by the file that owns it. When the files write the same columns,
// one statement merges a partition of every file at once (partitionMergeSql); otherwise, or one
// file at a time, each file's unit writes the keys it owns (contestedKeysSql). Counts come back
// from the statement itself, and so does the undo state, when the run keeps it (undo/sql.ts).
import type { ConflictPolicy } from '../../../../shared/load-types.ts';
import { quoteIdent, quoteLiteral } from '../../sql/identifiers.ts';
import { LINE, list, ORD } from '../stage/sql.ts';
import { recordUndoCtes, type UndoRecording } from '../../undo/sql.ts';

// Merge and preview modules build their lists of names with the staging SQL's helper.
export { list } from '../stage/sql.ts';

export type KeyedMode = 'upsert' | 'insert' | 'ignore';

export interface MergeSpec {
  target: string;
  /** Target columns the file provides, in staging order. */
  columns: string[];
  key: string[];
  mode: KeyedMode;
  policy: ConflictPolicy;
  touchColumn?: string;
  versionColumn?: string;
  /** Columns whose type has no equality operator (json, xml, ...): compared as text. */
  incomparable: Set<string>;
  identityAlways: boolean;
  /** Where the statement records what it inserts and the rows it updates, for undo; absent: no undo. */
  undo?: UndoRecording;
}

/** Which of a file's rows with the same key survives. Ties on version go to the earlier row. */
export function survivorOrder(spec: Pick<MergeSpec, 'policy' | 'versionColumn'>): string {
  if (spec.policy === 'version' && spec.versionColumn) return `${quoteIdent(spec.versionColumn)} DESC NULLS LAST, ${quoteIdent(ORD)} ASC`;
  return `${quoteIdent(ORD)} ${spec.policy === 'first' ? 'ASC' : 'DESC'}`;
}

/**
 * The winning row of every key in `source`, in key order. `earlier` are the same partition of the
 * files before this one: under the `first` policy a key they hold was already won by them.
 */
export function survivorsSql(spec: Pick<MergeSpec, 'policy' | 'versionColumn' | 'key'>, source: string, earlier: string[] = []): string {
  const match = spec.key.map((k) => `e.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
  const unclaimed = spec.policy === 'first' && earlier.length > 0 ? ` WHERE ${earlier.map((e) => `NOT EXISTS (SELECT 1 FROM ${e} e WHERE ${match})`).join(' AND ')}` : '';
  return `SELECT DISTINCT ON (${list(spec.key)}) * FROM ${source} s${unclaimed} ORDER BY ${list(spec.key)}, ${survivorOrder(spec)}`;
}

function conflictClause(spec: MergeSpec): string {
  if (spec.mode === 'insert') return '';
  const keySet = new Set(spec.key);
  const updatable = spec.columns.filter((c) => !keySet.has(c));
  if (spec.mode === 'ignore' || updatable.length === 0) return ` ON CONFLICT (${list(spec.key)}) DO NOTHING`;
  const compare = (side: string, c: string) => `${side}.${quoteIdent(c)}${spec.incomparable.has(c) ? '::text' : ''}`;
  const assignments = [
    ...updatable.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`),
    ...(spec.touchColumn ? [`${quoteIdent(spec.touchColumn)} = now()`] : []),
  ];
  const changed = `(${updatable.map((c) => compare('t', c)).join(', ')}) IS DISTINCT FROM (${updatable.map((c) => compare('EXCLUDED', c)).join(', ')})`;
  const v = spec.versionColumn ? quoteIdent(spec.versionColumn) : '';
  // The version policy never overwrites a stored row that is as new or newer.
  const newer = spec.policy === 'version' && spec.versionColumn ? ` AND (t.${v} IS NULL OR EXCLUDED.${v} > t.${v})` : '';
  return ` ON CONFLICT (${list(spec.key)}) DO UPDATE SET ${assignments.join(', ')} WHERE ${changed}${newer}`;
}

/**
 * A whole merge unit in one statement. `contested` (when given) holds the partition's keys that
 * several files have: the file at `rank` writes only those it owns. Returns inserted, updated,
 * total (surviving rows it owns: written or unchanged) and superseded (owned by another file).
 */
export function unitMergeSql(spec: MergeSpec, source: string, contested: ContestedKeys | null, rank: number): string {
  const owned = contested
    ? ` WHERE NOT EXISTS (SELECT 1 FROM ${contested.table} o WHERE o.${quoteIdent(FILE)} = ${Math.trunc(rank)} AND o.${quoteIdent(OWNER)} <> ${Math.trunc(rank)} AND ${spec.key.map((k) => `o.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ')})`
    : '';
  return `WITH src AS MATERIALIZED (SELECT * FROM (${survivorsSql(spec, source)}) s${owned}),
    ${mergedCte(spec, 'src')}
    SELECT count(*) FILTER (WHERE "#inserted")::bigint AS inserted,
           count(*) FILTER (WHERE NOT "#inserted")::bigint AS updated,
           (SELECT count(*) FROM src)::bigint AS total
    FROM merged`;
}

/**
 * The "merged" CTE (and the undo CTEs after it): upserts `rows` in key order, returning per written
 * row "#inserted" and, when `withKeys` or undo needs it, its key as "#k0", "#k1"...
 */
function mergedCte(spec: MergeSpec, rows: string, where = '', withKeys = false): string {
  const insertColumns = [...spec.columns, ...(spec.touchColumn ? [spec.touchColumn] : [])];
  const selectList = `${list(spec.columns)}${spec.touchColumn ? ', now()' : ''}`;
  const overriding = spec.identityAlways ? ' OVERRIDING SYSTEM VALUE' : '';
  // "#" names cannot collide with the table's columns.
  const inserted = spec.mode === 'upsert' ? '(xmax = 0)' : 'true';
  const returning = [`${inserted} AS "#inserted"`, ...(withKeys || spec.undo ? spec.key.map((k, i) => `t.${quoteIdent(k)} AS ${quoteIdent(`#k${i}`)}`) : [])].join(', ');
  const undo = spec.undo ? `,\n    ${recordUndoCtes(spec.undo, spec.target, spec.key, 'merged')}` : '';
  return `merged AS (
      INSERT INTO ${spec.target} AS t (${list(insertColumns)})${overriding}
      SELECT ${selectList} FROM ${rows}${where} ORDER BY ${list(spec.key)}${conflictClause(spec)}
      RETURNING ${returning})${undo}`;
}

/**
 * One partition of every file at once (the files write the same columns, so owning is exact):
 * each file's winning row per key (its survivor), then across the files the owner's, as loading
 * them one by one would leave it. Only owners among `writers` (ranks) are written; the others
 * merged in an earlier run. One row per file: superseded (its keys another file owns), total (the
 * keys it owns), and of those, inserted and updated.
 */
export function partitionMergeSql(spec: MergeSpec, sources: StagedPartition[], writers: number[]): string {
  const rank = quoteIdent(FILE);
  const rowNumber = quoteIdent('#rn');
  const version = spec.policy === 'version' && spec.versionColumn ? quoteIdent(spec.versionColumn) : 'NULL';
  const rows = sources.map((s) => `SELECT ${Math.trunc(s.rank)} AS ${rank}, ${quoteIdent(ORD)}, ${list(spec.columns)} FROM ${s.table}`).join(' UNION ALL ');
  const matches = spec.key.map((k, i) => `m.${quoteIdent(`#k${i}`)} = r.${quoteIdent(k)}`).join(' AND ');
  const owned = ` WHERE ${rowNumber} = 1 AND ${rank} = ANY (ARRAY[${writers.map((w) => Math.trunc(w)).join(', ')}]::int[])`;
  return `WITH ranked AS MATERIALIZED (
      SELECT s.*, row_number() OVER (PARTITION BY ${list(spec.key)} ORDER BY ${ownerOrder(spec.mode, spec, version)}) AS ${rowNumber}
      FROM (SELECT DISTINCT ON (${list(spec.key)}, ${rank}) * FROM (${rows}) u ORDER BY ${list(spec.key)}, ${rank}, ${survivorOrder(spec)}) s),
    ${mergedCte(spec, 'ranked', owned, true)}
    SELECT r.${rank} AS rank,
           count(*) FILTER (WHERE r.${rowNumber} > 1)::bigint AS superseded,
           count(*) FILTER (WHERE r.${rowNumber} = 1)::bigint AS total,
           count(*) FILTER (WHERE m."#inserted")::bigint AS inserted,
           count(*) FILTER (WHERE NOT m."#inserted")::bigint AS updated
    FROM ranked r LEFT JOIN merged m ON r.${rowNumber} = 1 AND ${matches}
    GROUP BY 1`;
}

/**
 * Staging tables are never analysed, so the planner guesses a handful of rows and probes the
 * contested keys' index once per staged row; a hash anti-join is many times cheaper at any size
 * (and spills to disk rather than degrading). Set in the unit's transaction.
 */
export const HASH_ANTI_JOIN = 'SET LOCAL enable_nestloop = off';

/** A partition's contested keys: one row per (key, file holding it), with the key's owner. */
export interface ContestedKeys {
  table: string;
}

export const FILE = '#file';
export const OWNER = '#owner';

/**
 * Which file's row serial order leaves in the table, as an ORDER BY over the files' best rows;
 * `v` is the version of a file's best row.
 */
function ownerOrder(mode: KeyedMode, spec: Pick<MergeSpec, 'policy' | 'versionColumn'>, v = 'v'): string {
  const file = quoteIdent(FILE);
  // Ignore keeps the first file's row; so does the first policy.
  if (mode === 'ignore' || spec.policy === 'first') return `${file} ASC`;
  // The version policy overwrites only with a strictly newer version, and a NULL version with
  // anything: the owner is the newest non-NULL version, the earliest file on ties, and the last
  // file when every version is NULL.
  if (spec.policy === 'version' && spec.versionColumn) return `${v} DESC NULLS LAST, CASE WHEN ${v} IS NULL THEN -${file} ELSE ${file} END`;
  return `${file} DESC`;
}

export interface StagedPartition {
  rank: number;
  table: string;
}

/**
 * Creates the partition's contested keys: the keys two or more of `sources` hold, one row per key
 * and file, each with the key's owner. Sources are in file order (rank ascending).
 */
export function contestedKeysSql(spec: Pick<MergeSpec, 'policy' | 'versionColumn' | 'key' | 'mode'>, sources: StagedPartition[], table: string): string {
  const version = spec.policy === 'version' && spec.versionColumn ? `, max(${quoteIdent(spec.versionColumn)}) AS v` : '';
  const perFile = sources.map((s) => `SELECT ${Math.trunc(s.rank)} AS ${quoteIdent(FILE)}, ${list(spec.key)}${version} FROM ${s.table} GROUP BY ${list(spec.key)}`).join(' UNION ALL ');
  const byKey = `PARTITION BY ${list(spec.key)}`;
  return `CREATE UNLOGGED TABLE ${table} AS
    SELECT ${list(spec.key)}, ${quoteIdent(FILE)}, ${quoteIdent(OWNER)} FROM (
      SELECT k.*, first_value(${quoteIdent(FILE)}) OVER (${byKey} ORDER BY ${ownerOrder(spec.mode, spec)}) AS ${quoteIdent(OWNER)},
             count(*) OVER (${byKey}) AS files
      FROM (${perFile}) k) c
    WHERE files > 1;
    CREATE INDEX ON ${table} (${quoteIdent(FILE)}, ${list(spec.key)});
    ANALYZE ${table}`;
}

/** Per file: how many of its keys in the partition another file owns. */
export function supersededSql(table: string): string {
  return `SELECT ${quoteIdent(FILE)} AS rank, count(*)::bigint AS n FROM ${table} WHERE ${quoteIdent(FILE)} <> ${quoteIdent(OWNER)} GROUP BY 1`;
}

/**
 * Insert mode refuses keys that already exist, in the table or in an earlier file of the same
 * load (as loading the files one by one would); this finds a few to name in the error.
 */
export function existingKeysSql(spec: MergeSpec, source: string, earlierSources: string[]): string {
  const match = (alias: string) => spec.key.map((k) => `${alias}.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
  const earlier = earlierSources.map((e) => ` OR EXISTS (SELECT 1 FROM ${e} e WHERE ${match('e')})`).join('');
  return `SELECT ${list(spec.key, 's.')}, s.${quoteIdent(LINE)} AS line FROM ${source} s
    WHERE EXISTS (SELECT 1 FROM ${spec.target} t WHERE ${match('t')})${earlier}
    ORDER BY s.${quoteIdent(ORD)} LIMIT 5`;
}

/**
 * Keys whose surviving rows differ between files, compared on the columns all the files share:
 * the `error` policy refuses to load when there is any.
 */
export function disagreementsSql(key: string[], sharedColumns: string[], sources: string[], policySpec: Pick<MergeSpec, 'policy' | 'versionColumn'>, limit: number): string {
  const values = `jsonb_build_object(${sharedColumns.map((c) => `${quoteLiteral(c)}, ${quoteIdent(c)}`).join(', ') || "'', null"})`;
  const perFile = sources
    .map((source, rank) => `SELECT ${rank} AS rank, ${list(key)}, ${values} AS v FROM (${survivorsSql({ ...policySpec, key }, source)}) w${rank}`)
    .join(' UNION ALL ');
  return `SELECT ${list(key)}, array_agg(rank ORDER BY rank) AS ranks FROM (${perFile}) a
    GROUP BY ${list(key)} HAVING count(DISTINCT v) > 1 ORDER BY ${list(key)} LIMIT ${Math.trunc(limit)}`;
}

/**
 * Append's sub-batches: each runs under a savepoint, so a batch the server refuses rolls back alone
 * (its transaction, or --atomic-file's, stays usable) and is sent again without its bad rows.
 */
export const BATCH_SAVEPOINT = 'SAVEPOINT keyload_batch';
export const ROLLBACK_TO_BATCH_SAVEPOINT = 'ROLLBACK TO SAVEPOINT keyload_batch';
export const RELEASE_BATCH_SAVEPOINT = 'RELEASE SAVEPOINT keyload_batch';

/** Empties the target for replace; TRUNCATE is not possible while other tables' foreign keys point at it, DELETE is. */
export function emptyTargetSql(target: string, referenced: boolean): string {
  return referenced ? `DELETE FROM ${target}` : `TRUNCATE ${target}`;
}

/** Replace without a key: every staged row, in file order. */
export function insertStagedSql(target: string, columns: string[], staged: string): string {
  return `INSERT INTO ${target} (${list(columns)}) SELECT ${list(columns)} FROM ${staged} ORDER BY ${quoteIdent(ORD)}`;
}

