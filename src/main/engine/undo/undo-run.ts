// Undoing a run, in one transaction: the keys it inserted are deleted, the rows it updated are put
// back as they were (a replace gets its whole previous table back), the run is marked undone and
// its files' manifest rows are forgotten (they are no longer "already loaded"). Before anything
// changes, the table's identity is checked and every row the run wrote is compared with what is
// there now: a row changed since (by a later run or anyone else) is reported with both versions and
// stops the undo, unless forced. A dry run does all of it and rolls back. Interrupted, it leaves the
// table as it was; run again, it finishes.
import type { ClientBase } from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { UndoConflict, UndoEntry, UndoOutcome } from '../../../shared/undo-types.ts';
import { manifestTable, progressTable } from '../load/manifest/sql.ts';
import { openPool, type ConnectionConfig } from '../load/runtime/pool.ts';
import { acquireClient } from '../load/runtime/pool-client.ts';
import { list } from '../load/stage/sql.ts';
import { quoteIdent } from '../sql/identifiers.ts';
import { appendedByRunSql, CURRENT_XID, firstRecordsSql, OP, PRIOR, registryTable, restampSql, TABLE_SHAPE_SQL, UndoOp, writtenBy, XID } from './sql.ts';
import { ensureUndoRegistry } from './undo-log.ts';

/** Conflicting rows reported in full; the rest are counted. */
const SHOWN_CONFLICTS = 20;

interface RegistryRow {
  run_id: string;
  target_table: string;
  target_relation: string;
  undo_table: string;
  mode: string;
  key: string[];
  table_oid: string;
  columns_signature: string;
  status: UndoEntry['status'];
  created_at: Date;
  finished_at: Date | null;
  undone_at: Date | null;
  bytes: string | null;
  left_xid: string | null;
  left_rows: string | null;
}

const entryColumns = `r.*, CASE WHEN to_regclass(r.undo_table) IS NOT NULL THEN pg_total_relation_size(to_regclass(r.undo_table)) END AS bytes`;

function toEntry(row: RegistryRow): UndoEntry {
  return {
    runId: row.run_id,
    table: row.target_table,
    mode: row.mode,
    key: row.key,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    undoneAt: row.undone_at?.toISOString() ?? null,
    bytes: row.bytes === null ? null : Number(row.bytes),
  };
}

/** The runs with undo state on this server, newest first. */
export async function listUndo(client: ClientBase, schema: string): Promise<UndoEntry[]> {
  await ensureUndoRegistry(client, schema);
  const rows = await client.query<RegistryRow>(`SELECT ${entryColumns} FROM ${registryTable(schema)} r ORDER BY r.created_at DESC`);
  return rows.rows.map(toEntry);
}

export interface UndoRequest {
  /** A run id, a unique prefix of one, or `last` (the newest run not yet undone). */
  run: string;
  schema: string;
  dryRun: boolean;
  /** Restore anyway: rows changed since the run are overwritten (or deleted). */
  force: boolean;
  /** First undo the later runs that wrote the same keys, newest first (each in its own transaction). */
  chain?: boolean;
}

async function findRun(client: ClientBase, schema: string, ref: string): Promise<RegistryRow> {
  const registry = registryTable(schema);
  const rows =
    ref === 'last'
      ? await client.query<RegistryRow>(`SELECT ${entryColumns} FROM ${registry} r WHERE r.status <> 'undone' ORDER BY r.created_at DESC LIMIT 1`)
      : await client.query<RegistryRow>(`SELECT ${entryColumns} FROM ${registry} r WHERE substr(r.run_id, 1, length($1)) = $1 LIMIT 2`, [ref]);
  const [row, other] = rows.rows;
  if (other) throw new KeyloadError(ErrorCodes.usage, `${ref} is the start of several run ids; give more of it`, { hint: 'keyload undo --list shows the runs that can be undone.' });
  if (!row) {
    const what = ref === 'last' ? 'No run on this server can be undone' : `Run ${ref} has no undo state on this server`;
    throw new KeyloadError(ErrorCodes.usage, `${what}: it kept none (--undo), or it was pruned (--undo-keep)`, { hint: 'keyload undo --list shows the runs that can be undone.' });
  }
  return row;
}

/**
 * Why the run cannot be undone at all, or null. The target is locked before its identity is read,
 * so it cannot change between the check and the undo: writers wait until the undo is over, readers
 * go on seeing the table as it was.
 */
async function lockedRefusal(client: ClientBase, run: RegistryRow): Promise<string | null> {
  if (run.status === 'undone') return `Run ${run.run_id} was already undone`;
  const exists = async (table: string) => (await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [table])).rows[0]?.ok === true;
  if (!(await exists(run.undo_table))) return `The undo state of run ${run.run_id} is gone (dropped by hand)`;
  if (!(await exists(run.target_relation))) return `${run.target_table} no longer exists`;
  await client.query(`LOCK TABLE ${run.target_relation} IN SHARE ROW EXCLUSIVE MODE`);
  const shape = (await client.query<{ oid: string; signature: string }>(TABLE_SHAPE_SQL, [run.target_relation])).rows[0];
  if (!shape) return `${run.target_table} no longer exists`;
  if (shape.oid !== run.table_oid) return `${run.target_table} was dropped and created again since the run: the rows it kept belong to a table that is gone`;
  if (shape.signature !== run.columns_signature) {
    return `${run.target_table} was altered since the run (a column added, dropped or retyped): its columns were ${run.columns_signature}, they are ${shape.signature}`;
  }
  return null;
}

interface Target {
  run: RegistryRow;
  undo: string;
  target: string;
  /** The target's columns, in order; those an undo writes (not generated); `overriding` when one is GENERATED ALWAYS AS IDENTITY. */
  columns: string[];
  writable: string[];
  overriding: boolean;
}

const keyMatch = (key: string[], left: string, right: string) => key.map((k) => `${left}.${quoteIdent(k)} = ${right}.${quoteIdent(k)}`).join(' AND ');

async function targetColumns(client: ClientBase, target: string): Promise<Pick<Target, 'columns' | 'writable' | 'overriding'>> {
  const columns = await client.query<{ name: string; generated: boolean; identity_always: boolean }>(
    `SELECT attname AS name, attgenerated <> '' AS generated, attidentity = 'a' AS identity_always FROM pg_attribute
     WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [target],
  );
  const writable = columns.rows.filter((c) => !c.generated);
  return { columns: columns.rows.map((c) => c.name), writable: writable.map((c) => c.name), overriding: writable.some((c) => c.identity_always) };
}

async function count(client: ClientBase, sql: string): Promise<number> {
  return Number((await client.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
}

/** The rows the run wrote that are not there any more as it left them. */
async function keyedConflicts(client: ClientBase, t: Target): Promise<{ total: number; shown: UndoConflict[] }> {
  const key = t.run.key;
  const rows = await client.query<{ op: string; current: Record<string, unknown> | null; before: Record<string, unknown>; total: string }>(
    // json, not jsonb: the columns keep the table's order.
    `SELECT u.${quoteIdent(OP)} AS op, CASE WHEN c.ctid IS NULL THEN NULL ELSE to_json(c) END AS current,
            (SELECT to_json(r) FROM (SELECT ${list(t.columns, 'u.')}) r) AS before, count(*) OVER () AS total
     FROM ${firstRecordsSql(t.undo, key)} u LEFT JOIN ${t.target} c ON ${keyMatch(key, 'c', 'u')}
     WHERE c.ctid IS NULL OR NOT ${writtenBy('c', 'u."#last"')}
     ORDER BY ${list(key, 'u.')} LIMIT ${SHOWN_CONFLICTS}`,
  );
  const shown = rows.rows.map((row): UndoConflict => {
    const keyOf = Object.fromEntries(key.map((k) => [k, row.before[k] ?? null]));
    const inserted = row.op === UndoOp.inserted;
    return { key: keyOf, change: row.current ? 'changed' : 'deleted', current: row.current, restore: inserted ? null : row.before };
  });
  return { total: Number(rows.rows[0]?.total ?? 0), shown };
}

/**
 * Rows added or changed since the replace, plus those of its rows gone since (a changed row counts
 * in both). A row is the replace's if the replace wrote it, or if a later run's undo put it back
 * (a restamp record with its key).
 */
async function replaceConflicts(client: ClientBase, t: Target): Promise<{ total: number; shown: UndoConflict[] }> {
  const restamped = t.run.key.length > 0
    ? ` OR EXISTS (SELECT 1 FROM ${t.undo} x WHERE x.${quoteIdent(OP)} = '${UndoOp.restamped}' AND ${keyMatch(t.run.key, 'x', 'c')} AND ${writtenBy('c', `x.${quoteIdent(XID)}`)})`
    : '';
  const now = await client.query<{ other: string; still: string }>(
    `SELECT count(*) FILTER (WHERE NOT mine) AS other, count(*) FILTER (WHERE mine) AS still
     FROM (SELECT ${writtenBy('c', '$1::bigint')}${restamped} AS mine FROM ${t.target} c) s`,
    [t.run.left_xid ?? '-1'],
  );
  const row = now.rows[0];
  return { total: Number(row?.other ?? 0) + Number(t.run.left_rows ?? 0) - Number(row?.still ?? 0), shown: [] };
}

/** The table's other runs whose undo state stands, before or after `run`, newest first. */
async function otherRuns(client: ClientBase, schema: string, run: RegistryRow, when: 'before' | 'after'): Promise<RegistryRow[]> {
  const rows = await client.query<RegistryRow>(
    `SELECT r.* FROM ${registryTable(schema)} r
     WHERE r.target_table = $1 AND r.run_id <> $2 AND r.created_at ${when === 'after' ? '>' : '<'} (SELECT created_at FROM ${registryTable(schema)} WHERE run_id = $2)
       AND r.status <> 'undone' AND to_regclass(r.undo_table) IS NOT NULL ORDER BY r.created_at DESC`,
    [run.target_table, run.run_id],
  );
  return rows.rows;
}

/** Later runs that wrote some of the same keys (any replace does): they must be undone first, newest first. */
async function laterRuns(client: ClientBase, schema: string, t: Target): Promise<string[]> {
  const overlapping: string[] = [];
  for (const run of await otherRuns(client, schema, t.run, 'after')) {
    const replaced = run.mode === 'replace' || t.run.mode === 'replace';
    // Appends have no key to compare: the rows a later run changed show as conflicts instead.
    if (!replaced && (t.run.key.length === 0 || run.mode === 'append')) continue;
    const written = `${quoteIdent(OP)} IN ('${UndoOp.inserted}', '${UndoOp.updated}')`;
    const shared = replaced || (await count(client, `SELECT count(*) AS n FROM (SELECT 1 FROM ${t.undo} a JOIN ${run.undo_table} b ON ${keyMatch(t.run.key, 'a', 'b')} WHERE a.${written} AND b.${written} LIMIT 1) x`)) > 0;
    if (shared) overlapping.push(run.run_id);
  }
  return overlapping;
}

/**
 * The rows this undo put back that an earlier run had left are that run's version again: its
 * records learn so, or its own undo would take them for changed since. An earlier replace without a
 * key learns it only when this undo put back its whole table.
 */
async function restampEarlier(client: ClientBase, schema: string, t: Target): Promise<void> {
  const replace = t.run.mode === 'replace';
  const op = replace ? UndoOp.replaced : UndoOp.updated;
  const restored = replace ? t.undo : firstRecordsSql(t.undo, t.run.key);
  // An append's undo only deletes; an earlier append's rows this undo put back count as changed (--force).
  if (t.run.mode === 'append') return;
  for (const earlier of await otherRuns(client, schema, t.run, 'before')) {
    if (earlier.mode === 'append') continue;
    if (earlier.mode !== 'replace') {
      await client.query(restampSql(earlier.undo_table, earlier.key, restored, op));
    } else if (earlier.key.length > 0) {
      const keys = earlier.key.map((k) => `r.${quoteIdent(k)}`).join(', ');
      await client.query(
        `INSERT INTO ${earlier.undo_table} (${quoteIdent(OP)}, ${quoteIdent(XID)}, ${list(earlier.key)})
         SELECT '${UndoOp.restamped}', ${CURRENT_XID}, ${keys} FROM ${restored} r WHERE r.${quoteIdent(OP)} = '${op}' AND r.${quoteIdent(PRIOR)} = $1::bigint % 4294967296`,
        [earlier.left_xid ?? '-1'],
      );
    } else if (replace) {
      await client.query(
        `UPDATE ${registryTable(schema)} SET left_xid = ${CURRENT_XID} WHERE run_id = $1 AND left_rows = (SELECT count(*) FROM ${t.undo} r WHERE r.${quoteIdent(OP)} = '${op}')
           AND NOT EXISTS (SELECT 1 FROM ${t.undo} r WHERE r.${quoteIdent(OP)} = '${op}' AND r.${quoteIdent(PRIOR)} <> $2::bigint % 4294967296)`,
        [earlier.run_id, earlier.left_xid ?? '-1'],
      );
    }
  }
}

async function restoreKeyed(client: ClientBase, t: Target, force: boolean): Promise<void> {
  const key = t.run.key;
  const op = (value: string) => `u.${quoteIdent(OP)} = '${value}'`;
  const first = firstRecordsSql(t.undo, key);
  await client.query(`DELETE FROM ${t.target} c USING ${first} u WHERE ${op(UndoOp.inserted)} AND ${keyMatch(key, 'c', 'u')}`);
  const keySet = new Set(key);
  const restored = t.writable.filter((c) => !keySet.has(c));
  if (restored.length > 0) {
    await client.query(`UPDATE ${t.target} c SET (${list(restored)}) = ROW(${list(restored, 'u.')}) FROM ${first} u WHERE ${op(UndoOp.updated)} AND ${keyMatch(key, 'c', 'u')}`);
  }
  // Forced: rows the run updated and someone deleted since come back too.
  if (force) await client.query(`${insertSql(t)} SELECT ${list(t.writable, 'u.')} FROM ${first} u WHERE ${op(UndoOp.updated)} AND NOT EXISTS (SELECT 1 FROM ${t.target} c WHERE ${keyMatch(key, 'c', 'u')})`);
}

async function restoreReplaced(client: ClientBase, t: Target): Promise<void> {
  await client.query(`DELETE FROM ${t.target}`);
  await client.query(`${insertSql(t)} SELECT ${list(t.writable, 'u.')} FROM ${t.undo} u WHERE u.${quoteIdent(OP)} = '${UndoOp.replaced}'`);
}

function insertSql(t: Target): string {
  return `INSERT INTO ${t.target} (${list(t.writable)})${t.overriding ? ' OVERRIDING SYSTEM VALUE' : ''}`;
}

/** Its files are no longer "already loaded", and its undo state is spent. */
async function markUndone(client: ClientBase, schema: string, t: Target): Promise<void> {
  const files = `SELECT sha256, target_table FROM ${manifestTable(schema)} WHERE run_id = $1 AND target_table = $2`;
  await client.query(`DELETE FROM ${progressTable(schema)} WHERE (sha256, target_table) IN (${files})`, [t.run.run_id, t.run.target_table]);
  await client.query(`DELETE FROM ${manifestTable(schema)} WHERE run_id = $1 AND target_table = $2`, [t.run.run_id, t.run.target_table]);
  await client.query(`UPDATE ${registryTable(schema)} SET status = 'undone', undone_at = now() WHERE run_id = $1`, [t.run.run_id]);
  await client.query(`DROP TABLE ${t.undo}`);
}

/** What undoing differs in by the run's mode: what it counts, what it calls a conflict, how it restores. */
interface UndoKind {
  counts(): Promise<{ toDelete: number; toRestore: number }>;
  conflicts(): Promise<{ total: number; shown: UndoConflict[] }>;
  restore(force: boolean): Promise<void>;
}

function undoKind(client: ClientBase, t: Target): UndoKind {
  const ops = (records: string, value: string) => count(client, `SELECT count(*) AS n FROM ${records} u WHERE u.${quoteIdent(OP)} = '${value}'`);
  switch (t.run.mode) {
    case 'replace':
      return {
        counts: async () => ({ toDelete: await count(client, `SELECT count(*) AS n FROM ${t.target}`), toRestore: await ops(t.undo, UndoOp.replaced) }),
        conflicts: () => replaceConflicts(client, t),
        restore: () => restoreReplaced(client, t),
      };
    case 'append': {
      // The rows the run appended are those its sub-batches' transactions wrote; forced, they go however they changed.
      const appended = `SELECT count(*) AS n FROM ${t.target} c WHERE ${appendedByRunSql(t.undo, 'c')}`;
      const recorded = `SELECT coalesce(sum(${quoteIdent(PRIOR)}), 0) AS n FROM ${t.undo} WHERE ${quoteIdent(OP)} = '${UndoOp.appended}'`;
      return {
        counts: async () => ({ toDelete: await count(client, appended), toRestore: 0 }),
        conflicts: async () => ({ total: (await count(client, recorded)) - (await count(client, appended)), shown: [] }),
        restore: async () => {
          await client.query(`DELETE FROM ${t.target} c WHERE ${appendedByRunSql(t.undo, 'c')}`);
        },
      };
    }
    default: {
      const first = firstRecordsSql(t.undo, t.run.key);
      return {
        counts: async () => ({ toDelete: await ops(first, UndoOp.inserted), toRestore: await ops(first, UndoOp.updated) }),
        conflicts: () => keyedConflicts(client, t),
        restore: (force) => restoreKeyed(client, t, force),
      };
    }
  }
}

/**
 * Plans (and unless dry, carries out) the undo of one run, in one transaction. With `chain`, the
 * later runs in its way are undone first, newest first, each the same way; the first of them that
 * cannot be undone stops the chain, and the outcome says which ones were.
 */
export async function undoRun(client: ClientBase, request: UndoRequest): Promise<UndoOutcome> {
  if (!request.chain || request.dryRun) return undoOne(client, request);
  const planned = await undoOne(client, { ...request, dryRun: true });
  const chained: UndoOutcome[] = [];
  for (const later of planned.laterRuns) {
    const outcome = await undoRun(client, { ...request, run: later });
    chained.push(...outcome.chained, { ...outcome, chained: [] });
    if (!outcome.done) return { ...planned, chained };
  }
  return { ...(await undoOne(client, request)), chained };
}

async function undoOne(client: ClientBase, request: UndoRequest): Promise<UndoOutcome> {
  await ensureUndoRegistry(client, request.schema);
  const run = await findRun(client, request.schema, request.run);
  await client.query('BEGIN');
  try {
    const refused = await lockedRefusal(client, run);
    const entry = toEntry(run);
    if (refused) {
      await client.query('ROLLBACK');
      return { entry, toDelete: 0, toRestore: 0, conflicts: 0, shownConflicts: [], laterRuns: [], refused, done: false, chained: [] };
    }
    const t: Target = { run, undo: run.undo_table, target: run.target_relation, ...(await targetColumns(client, run.target_relation)) };
    const kind = undoKind(client, t);
    const { toDelete, toRestore } = await kind.counts();
    const conflicts = await kind.conflicts();
    const later = await laterRuns(client, request.schema, t);
    const outcome: UndoOutcome = { entry, toDelete, toRestore, conflicts: conflicts.total, shownConflicts: conflicts.shown, laterRuns: later, refused: null, done: false, chained: [] };
    const blocked = (conflicts.total > 0 || later.length > 0) && !request.force;
    if (request.dryRun || blocked) {
      await client.query('ROLLBACK');
      return outcome;
    }
    await kind.restore(request.force);
    await restampEarlier(client, request.schema, t);
    await markUndone(client, request.schema, t);
    await client.query('COMMIT');
    return { ...outcome, entry: { ...entry, status: 'undone', undoneAt: new Date().toISOString() }, done: true };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** `work` on a connection of its own to the server. */
async function onServer<T>(connection: ConnectionConfig, work: (client: ClientBase) => Promise<T>): Promise<T> {
  const pool = openPool(connection, 1);
  const held = await acquireClient(pool);
  try {
    return await work(held.client);
  } finally {
    held.release(true);
    await pool.end();
  }
}

/** undoRun on its own connection: what the CLI and the app call. */
export function undoOnServer(connection: ConnectionConfig, request: UndoRequest): Promise<UndoOutcome> {
  return onServer(connection, (client) => undoRun(client, request));
}

export function listUndoOnServer(connection: ConnectionConfig, schema: string): Promise<UndoEntry[]> {
  return onServer(connection, (client) => listUndo(client, schema));
}
