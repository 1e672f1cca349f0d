// The SQL of undo. A run that keeps undo state has its own table in the manifest schema,
// undo_<run id>, with the target's columns plus two of its own: "#op" says what the row records and
// "#after" is md5 of the target row as the run left it (an undo that finds another row there knows
// the row changed since). keyload_undo lists those tables. Builders take quoted names; every value
// is a $n parameter, numbered as each builder's comment says.
import { quoteIdent } from '../sql/identifiers.ts';

/** What an undo row records. */
export const UndoOp = {
  /** A key the run inserted: only "#after" and the key are set. */
  inserted: 'i',
  /** The stored row of a key the run updated, before the update. */
  updated: 'u',
  /** A row of the table as it was before a replace. */
  replaced: 'r',
  /** md5 of a row a replace left (only "#after" is set). */
  left: 'a',
} as const;

export const OP = '#op';
export const AFTER = '#after';

export function registryTable(schema: string): string {
  return `${quoteIdent(schema)}.keyload_undo`;
}

export function undoTableName(runId: string): string {
  return `undo_${runId.replaceAll('-', '')}`;
}

export function createRegistrySql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${registryTable(schema)} (
    run_id text PRIMARY KEY,
    target_table text NOT NULL,
    target_relation text NOT NULL,
    undo_table text NOT NULL,
    mode text NOT NULL,
    key text[] NOT NULL,
    table_oid bigint NOT NULL,
    columns_signature text NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    undone_at timestamptz)`;
}

/** $1 = the target as a quoted qualified name: its oid and its columns' names and types, in order. */
export const TABLE_SHAPE_SQL = `SELECT c.oid::bigint AS oid,
    string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) AS signature
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE c.oid = to_regclass($1) GROUP BY c.oid`;

/** An empty undo table shaped like the target, without its constraints (inserted keys leave the other columns NULL); kept if it exists. */
export function createUndoTableSql(undoTable: string, target: string): string {
  return `CREATE TABLE IF NOT EXISTS ${undoTable} AS SELECT NULL::text AS ${quoteIdent(OP)}, NULL::text AS ${quoteIdent(AFTER)}, t.* FROM ${target} t WITH NO DATA`;
}

/** $1..$8 = run id, target (display), target (quoted), undo table (quoted), mode, key, table oid, columns signature. */
export function registerSql(schema: string): string {
  return `INSERT INTO ${registryTable(schema)} (run_id, target_table, target_relation, undo_table, mode, key, table_oid, columns_signature, status)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'recording')`;
}

/** $1 = run id: the run ended (its undo state is complete, whatever its files' outcome). */
export function finishRecordingSql(schema: string): string {
  return `UPDATE ${registryTable(schema)} SET status = 'kept', finished_at = now() WHERE run_id = $1 AND status = 'recording'`;
}

export interface UndoRecording {
  /** The undo table, quoted. */
  table: string;
}

/**
 * The CTEs a merge statement adds to record its undo state, in the same statement (and so the same
 * snapshot: reading the target there sees each row as it was before the statement). `merged` must
 * return "#inserted", "#after" (md5 of the row written) and the key as "#k0", "#k1"...
 */
export function recordUndoCtes(undo: UndoRecording, target: string, key: string[], merged: string): string {
  const keys = key.map(quoteIdent).join(', ');
  const returned = key.map((_, i) => quoteIdent(`#k${i}`)).join(', ');
  const match = key.map((k, i) => `o.${quoteIdent(k)} = m.${quoteIdent(`#k${i}`)}`).join(' AND ');
  return `undo_inserted AS (
      INSERT INTO ${undo.table} (${quoteIdent(OP)}, ${quoteIdent(AFTER)}, ${keys})
      SELECT '${UndoOp.inserted}', m.${quoteIdent(AFTER)}, ${returned} FROM ${merged} m WHERE m."#inserted"),
    undo_updated AS (
      INSERT INTO ${undo.table}
      SELECT '${UndoOp.updated}', m.${quoteIdent(AFTER)}, o.* FROM ${merged} m JOIN ${target} o ON ${match} WHERE NOT m."#inserted")`;
}

/** Before a replace empties the target: its every row. */
export function keepReplacedSql(undo: UndoRecording, target: string): string {
  return `INSERT INTO ${undo.table} SELECT '${UndoOp.replaced}', NULL, t.* FROM ${target} t`;
}

/** After a replace filled the target, in its transaction: md5 of every row it left. */
export function keepLeftSql(undo: UndoRecording, target: string): string {
  return `INSERT INTO ${undo.table} (${quoteIdent(OP)}, ${quoteIdent(AFTER)}) SELECT '${UndoOp.left}', md5(t::text) FROM ${target} t`;
}
