// The SQL of undo. A run that keeps undo state has its own table in the manifest schema,
// undo_<run id>, with the target's columns plus two of its own: "#op" says what the row records and
// "#xid" is the transaction that wrote the target row. A row keeps that transaction id as its xmin
// until someone changes it (vacuum and freezing keep it too), so an undo that finds another xmin
// knows the row changed since, without hashing any row. Merge units and replaces write without
// savepoints, so xmin is the transaction's own id. A key written twice in one run (files with
// different columns) has a record per write: the first says what to restore, the last which xmin
// the run left. keyload_undo lists those tables. Builders take
// quoted names; every value is a $n parameter, numbered as each builder's comment says.
import { quoteIdent } from '../sql/identifiers.ts';

/** What an undo row records. */
export const UndoOp = {
  /** A key the run inserted: only "#after" and the key are set. */
  inserted: 'i',
  /** The stored row of a key the run updated, before the update. */
  updated: 'u',
  /** A row of the table as it was before a replace. */
  replaced: 'r',
  /**
   * Written by the undo of a later run that put back the row this run left: the row is this run's
   * version again, under the undo's transaction.
   */
  restamped: 'x',
  /** An append's sub-batch: its transaction ("#xid") and, in "#prior", how many rows it appended. */
  appended: 'a',
} as const;

export const OP = '#op';
export const XID = '#xid';
/** For 'u' and 'r' records: the xmin of the row the run found, so an undo of this run can restamp earlier runs' records. */
export const PRIOR = '#prior';

/** The writing transaction's id, with its epoch: it orders a run's writes of one key. */
export const CURRENT_XID = 'txid_current()';
/** A row's xmin: 32 bits, no epoch. */
export const rowXid = (alias: string) => `${alias}.xmin::text::bigint`;
/** Whether a row's xmin is the transaction `xid` (a CURRENT_XID). */
export const writtenBy = (alias: string, xid: string) => `${rowXid(alias)} = ${xid} % 4294967296`;

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
    undone_at timestamptz,
    -- A replace: the transaction that filled the table, and how many rows it left.
    left_xid bigint,
    left_rows bigint)`;
}

/** $1 = the target as a quoted qualified name: its oid and its columns' names and types, in order. */
export const TABLE_SHAPE_SQL = `SELECT c.oid::bigint AS oid,
    string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) AS signature
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE c.oid = to_regclass($1) GROUP BY c.oid`;

/** An empty undo table shaped like the target, without its constraints (inserted keys leave the other columns NULL); kept if it exists. */
export function createUndoTableSql(undoTable: string, target: string): string {
  return `CREATE TABLE IF NOT EXISTS ${undoTable} AS
    SELECT NULL::text AS ${quoteIdent(OP)}, NULL::bigint AS ${quoteIdent(XID)}, NULL::bigint AS ${quoteIdent(PRIOR)}, t.* FROM ${target} t WITH NO DATA`;
}

/** $1..$8 = run id, target (display), target (quoted), undo table (quoted), mode, key, table oid, columns signature; a retried start finds it in place. */
export function registerSql(schema: string): string {
  return `INSERT INTO ${registryTable(schema)} (run_id, target_table, target_relation, undo_table, mode, key, table_oid, columns_signature, status)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'recording')
    ON CONFLICT (run_id) DO NOTHING`;
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
 * return "#inserted" and the key as "#k0", "#k1"...
 */
export function recordUndoCtes(undo: UndoRecording, target: string, key: string[], merged: string): string {
  const keys = key.map(quoteIdent).join(', ');
  const returned = key.map((_, i) => quoteIdent(`#k${i}`)).join(', ');
  const match = key.map((k, i) => `o.${quoteIdent(k)} = m.${quoteIdent(`#k${i}`)}`).join(' AND ');
  return `undo_inserted AS (
      INSERT INTO ${undo.table} (${quoteIdent(OP)}, ${quoteIdent(XID)}, ${keys})
      SELECT '${UndoOp.inserted}', ${CURRENT_XID}, ${returned} FROM ${merged} m WHERE m."#inserted"),
    undo_updated AS (
      INSERT INTO ${undo.table}
      SELECT '${UndoOp.updated}', ${CURRENT_XID}, ${rowXid('o')}, o.* FROM ${merged} m JOIN ${target} o ON ${match} WHERE NOT m."#inserted")`;
}

/** Before a replace empties the target: its every row. */
export function keepReplacedSql(undo: UndoRecording, target: string): string {
  return `INSERT INTO ${undo.table} SELECT '${UndoOp.replaced}', NULL, ${rowXid('t')}, t.* FROM ${target} t`;
}

/** $1 = run id. After a replace filled the target, in its transaction: what it left, for telling changes since. */
export function keepLeftSql(schema: string, target: string): string {
  return `UPDATE ${registryTable(schema)} SET left_xid = ${CURRENT_XID}, left_rows = (SELECT count(*) FROM ${target}) WHERE run_id = $1`;
}

/**
 * Per key the run wrote, its first record (what to put back, or that the run inserted it) and, as
 * "#last", the transaction of its last write (the xmin the run left).
 */
export function firstRecordsSql(undoTable: string, key: string[]): string {
  const keys = key.map(quoteIdent).join(', ');
  // Restamps come after the run's own records, so the first record is always one of those.
  return `(SELECT DISTINCT ON (${keys}) *, max(${quoteIdent(XID)}) OVER (PARTITION BY ${keys}) AS "#last"
    FROM ${undoTable} WHERE ${quoteIdent(OP)} IN ('${UndoOp.inserted}', '${UndoOp.updated}', '${UndoOp.restamped}') ORDER BY ${keys}, ${quoteIdent(XID)})`;
}

/**
 * In the undo of a run: the rows it put back that `earlier` (an earlier run's undo table) had left
 * are that run's version again; its records learn the undo's transaction. `restored` holds the
 * undone run's records of those rows ('u' or 'r', with "#prior").
 */
export function restampSql(earlier: string, key: string[], restored: string, op: string): string {
  const keys = key.map(quoteIdent).join(', ');
  const match = key.map((k) => `r.${quoteIdent(k)} = e.${quoteIdent(k)}`).join(' AND ');
  return `INSERT INTO ${earlier} (${quoteIdent(OP)}, ${quoteIdent(XID)}, ${keys})
    SELECT '${UndoOp.restamped}', ${CURRENT_XID}, ${key.map((k) => `e.${quoteIdent(k)}`).join(', ')}
    FROM ${restored} r JOIN ${firstRecordsSql(earlier, key)} e ON ${match}
    WHERE r.${quoteIdent(OP)} = '${op}' AND r.${quoteIdent(PRIOR)} = e."#last" % 4294967296`;
}

/** $1 = rows appended. In an append sub-batch's transaction, which wrote no savepoint. */
export function recordAppendedSql(undo: UndoRecording): string {
  return `INSERT INTO ${undo.table} (${quoteIdent(OP)}, ${quoteIdent(XID)}, ${quoteIdent(PRIOR)}) VALUES ('${UndoOp.appended}', ${CURRENT_XID}, $1)`;
}

/** Whether a row was appended by one of the run's sub-batches. */
export function appendedByRunSql(undoTable: string, alias: string): string {
  return `EXISTS (SELECT 1 FROM ${undoTable} a WHERE a.${quoteIdent(OP)} = '${UndoOp.appended}' AND ${writtenBy(alias, `a.${quoteIdent(XID)}`)})`;
}
