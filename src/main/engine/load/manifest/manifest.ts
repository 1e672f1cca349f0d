// keyload_manifest: one row per (file content, target table). With keyload_progress (one row per
// merge unit: file x hash partition), written in the same transaction as each sub-batch, it makes
// re-runs skip loaded files and lets a killed run resume exactly where its last commit ended.
import type { ClientBase } from 'pg';
import type { RowCounts, WriteMode } from '../../../../shared/load-types.ts';
import { displayName, type TableName } from '../../sql/identifiers.ts';
import {
  clearProgressSql,
  createManifestSql,
  forgetFileSql,
  loadingFilesSql,
  MANIFEST_CURRENT_SQL,
  MANIFEST_LOCK_SQL,
  MANIFEST_UNLOCK_SQL,
  manifestTable,
  progressTable,
  readManifestSql,
  readProgressSql,
  TABLE_EXISTS_SQL,
  writeManifestSql,
  writeProgressSql,
} from './sql.ts';
import type { KeyBounds } from '../stage/unit-layout.ts';
import { staleness, type Staleness } from './table-identity.ts';

/** queued and failed are used by --claim: files waiting for a claimer, and files that failed. */
export type ManifestStatus = 'queued' | 'loading' | 'loaded' | 'failed';

/** A file's manifest row as the run writes it. */
export interface ManifestEntry extends ManifestState {
  sha256: string;
  targetTable: string;
  /** The target as a quoted qualified name: its identity is recorded with the row. */
  targetRelation: string;
  path: string;
  sizeBytes: number;
  mtime: Date;
  seconds: number;
}

/** Creates (or upgrades) the manifest when needed; an advisory lock keeps concurrent first runs from racing. */
export async function ensureManifest(client: ClientBase, schema: string): Promise<void> {
  const current = await client.query<{ ok: boolean }>(MANIFEST_CURRENT_SQL, [manifestTable(schema), progressTable(schema)]);
  if (current.rows[0]?.ok) return;
  await client.query(MANIFEST_LOCK_SQL, [`keyload_manifest:${schema}`]);
  try {
    for (const statement of createManifestSql(schema)) await client.query(statement);
  } finally {
    await client.query(MANIFEST_UNLOCK_SQL, [`keyload_manifest:${schema}`]);
  }
}

interface ManifestRow {
  status: ManifestStatus;
  mode: WriteMode;
  batch_rows: number;
  batches_done: number;
  parts: number;
  unit_bounds: KeyBounds | null;
  rows_read: string;
  inserted: string;
  updated: string;
  unchanged: string;
  collapsed: string;
  superseded: string;
  rejected: string;
  run_id: string;
  table_oid: string | null;
  table_storage: string | null;
  updated_at: Date;
}

export interface ManifestState {
  status: ManifestStatus;
  mode: WriteMode;
  batchRows: number;
  batchesDone: number;
  /** Units the file was merged in (1 for append). */
  parts: number;
  /** Their key ranges; null for hash partitions (stage/unit-layout.ts). */
  bounds: KeyBounds | null;
  counts: RowCounts;
  runId: string;
}

/** A file's row as a re-run reads it: whether it still speaks for the table, and since when. */
export interface ManifestRecord extends ManifestState {
  /** Non-null: the table changed identity since the row was written (table-identity.ts); it counts for nothing. */
  stale: Staleness;
  recordedAt: Date;
}

/** Null when the manifest table or the row does not exist. */
export async function readManifest(client: ClientBase, schema: string, sha256: string, table: TableName): Promise<ManifestRecord | null> {
  const exists = await client.query<{ ok: boolean }>(TABLE_EXISTS_SQL, [manifestTable(schema)]);
  if (!exists.rows[0]?.ok) return null;
  const result = await client.query<ManifestRow>(readManifestSql(schema), [sha256, displayName(table)]);
  const row = result.rows[0];
  if (!row) return null;
  return {
    stale: await staleness(client, table, { oid: row.table_oid, storage: row.table_storage }),
    recordedAt: row.updated_at,
    status: row.status,
    mode: row.mode,
    batchRows: row.batch_rows,
    batchesDone: row.batches_done,
    parts: row.parts,
    bounds: row.unit_bounds,
    runId: row.run_id,
    counts: {
      read: Number(row.rows_read),
      inserted: Number(row.inserted),
      updated: Number(row.updated),
      unchanged: Number(row.unchanged),
      collapsed: Number(row.collapsed),
      superseded: Number(row.superseded),
      rejected: Number(row.rejected),
    },
  };
}

/**
 * Deletes the rows (and progress) of the files whose table changed identity since they were
 * written, before anything loads: no loader may resume from units merged into a table that is gone.
 */
export async function forgetStale(client: ClientBase, schema: string, table: TableName, sha256s: string[]): Promise<void> {
  for (const sha256 of sha256s) {
    const record = await readManifest(client, schema, sha256, table);
    if (record?.stale) for (const statement of forgetFileSql(schema)) await client.query(statement, [sha256, displayName(table)]);
  }
}

/** Call inside the transaction that writes the file's data. */
export async function writeManifest(client: ClientBase, schema: string, entry: ManifestEntry): Promise<void> {
  const c = entry.counts;
  await client.query(
    writeManifestSql(schema),
    [entry.sha256, entry.targetTable, entry.path, entry.sizeBytes, entry.mtime, entry.status, entry.mode, entry.batchRows, entry.batchesDone,
      c.read, c.inserted, c.updated, c.unchanged, c.collapsed, c.rejected, entry.runId, entry.seconds, entry.parts, c.superseded, entry.targetRelation,
      entry.bounds === null ? null : JSON.stringify(entry.bounds)],
  );
}

export interface UnitProgress {
  part: number;
  parts: number;
  batchRows: number;
  batchesDone: number;
  done: boolean;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface FileKey {
  sha256: string;
  targetTable: string;
}

export async function readProgress(client: ClientBase, schema: string, file: FileKey): Promise<UnitProgress[]> {
  const exists = await client.query<{ ok: boolean }>(TABLE_EXISTS_SQL, [progressTable(schema)]);
  if (!exists.rows[0]?.ok) return [];
  const result = await client.query<{ part: number; parts: number; batch_rows: number; batches_done: number; done: boolean; inserted: string; updated: string; unchanged: string }>(readProgressSql(schema), [file.sha256, file.targetTable]);
  return result.rows.map((r) => ({
    part: r.part,
    parts: r.parts,
    batchRows: r.batch_rows,
    batchesDone: r.batches_done,
    done: r.done,
    inserted: Number(r.inserted),
    updated: Number(r.updated),
    unchanged: Number(r.unchanged),
  }));
}

/** Call inside the transaction that merged the unit's sub-batch. */
export async function writeProgress(client: ClientBase, schema: string, file: FileKey, unit: UnitProgress): Promise<void> {
  await client.query(writeProgressSql(schema), [file.sha256, file.targetTable, unit.part, unit.parts, unit.batchRows, unit.batchesDone, unit.done, unit.inserted, unit.updated, unit.unchanged]);
}

export async function clearProgress(client: ClientBase, schema: string, file: FileKey): Promise<void> {
  await client.query(clearProgressSql(schema), [file.sha256, file.targetTable]);
}

/** A file a run left "loading": its committed rows stay, and a re-run resumes it. */
export interface LoadingFile {
  path: string;
  targetTable: string;
  runId: string;
  committedRows: number;
}

export async function readLoadingFiles(client: ClientBase, schema: string): Promise<LoadingFile[]> {
  const exists = await client.query<{ ok: boolean }>(TABLE_EXISTS_SQL, [manifestTable(schema)]);
  if (!exists.rows[0]?.ok) return [];
  const result = await client.query<{ path: string; target_table: string; run_id: string; inserted: string }>(loadingFilesSql(schema));
  return result.rows.map((r) => ({ path: r.path, targetTable: r.target_table, runId: r.run_id, committedRows: Number(r.inserted) }));
}
