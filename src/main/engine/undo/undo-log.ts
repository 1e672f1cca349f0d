// A run's undo state, written as it loads: the run registers its undo table before anything lands,
// each merge unit records into it in the statement that writes (so what commits is always covered,
// even for a run that is killed), a replace keeps the whole previous table, and the run's end marks
// it complete. Old runs' state is pruned as a run starts: older than --undo-keep, or beyond the last
// UNDO_KEEP_RUNS runs of the table.
import type { ClientBase } from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { UNDO_KEEP_RUNS } from '../../../shared/vocabulary.ts';
import type { LoadPlan } from '../load/plan.ts';
import { displayName, qualifiedName, quoteIdent } from '../sql/identifiers.ts';
import { createRegistrySql, createUndoTableSql, finishRecordingSql, registerSql, registryTable, TABLE_SHAPE_SQL, undoTableName, type UndoRecording } from './sql.ts';

/** Why a run that asks for undo cannot keep it, or null. */
export function undoUnavailable(plan: LoadPlan): string | null {
  // Savepoints give an atomic append's rows their subtransactions' ids, which undo cannot find.
  if (plan.options.mode === 'append' && plan.options.atomicFile) return 'Undo is not kept for append runs with --atomic-file: this run cannot be undone';
  return null;
}

/** Whether this plan keeps undo state (asked for, and a run that can be undone). */
export function keepsUndo(plan: LoadPlan): boolean {
  return plan.options.undo === true && !plan.options.dryRun && undoUnavailable(plan) === null;
}

export async function ensureUndoRegistry(client: ClientBase, schema: string): Promise<void> {
  await client.query(createRegistrySql(schema));
}

/** Registers the run's undo table (idempotent: a retried start finds it in place) and prunes old ones. */
export async function startUndo(client: ClientBase, plan: LoadPlan): Promise<UndoRecording> {
  const schema = plan.options.manifestSchema;
  await ensureUndoRegistry(client, schema);
  await pruneUndo(client, schema, displayName(plan.table), plan.options.undoKeepMs);
  const target = qualifiedName(plan.table);
  const table = `${quoteIdent(schema)}.${quoteIdent(undoTableName(plan.runId))}`;
  const shape = (await client.query<{ oid: string; signature: string }>(TABLE_SHAPE_SQL, [target])).rows[0];
  if (!shape) throw new KeyloadError(ErrorCodes.tableNotFound, `${displayName(plan.table)} is gone: it was dropped after the run was planned`);
  await client.query(createUndoTableSql(table, target));
  await client.query(registerSql(schema), [plan.runId, displayName(plan.table), target, table, plan.options.mode, plan.key ?? [], shape.oid, shape.signature]);
  return { table };
}

/** The run is over: its undo state is complete (whatever its files' outcome). */
export async function finishUndo(client: ClientBase, plan: LoadPlan): Promise<void> {
  await client.query(finishRecordingSql(plan.options.manifestSchema), [plan.runId]);
}

/** Drops the undo tables of the table's runs past the retention, with their registry rows. */
export async function pruneUndo(client: ClientBase, schema: string, targetTable: string, keepMs: number): Promise<void> {
  const old = await client.query<{ run_id: string; undo_table: string }>(
    `SELECT run_id, undo_table FROM (
       SELECT run_id, undo_table, created_at, row_number() OVER (ORDER BY created_at DESC) AS newer
       FROM ${registryTable(schema)} WHERE target_table = $1) r
     WHERE created_at < now() - make_interval(secs => $2 / 1000.0) OR newer > $3`,
    [targetTable, keepMs, UNDO_KEEP_RUNS],
  );
  for (const run of old.rows) {
    await client.query(`DROP TABLE IF EXISTS ${run.undo_table}`);
    await client.query(`DELETE FROM ${registryTable(schema)} WHERE run_id = $1`, [run.run_id]);
  }
}
