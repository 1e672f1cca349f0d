// keyload_manifest: one row per (file content, target table). With keyload_progress (one row per
// merge unit: file x hash partition), written in the same transaction as each sub-batch, it makes
// re-runs skip loaded files and lets a killed run resume exactly where its last commit ended.
import type { ClientBase } from 'pg';
import type { RowCounts, WriteMode } from '../../../../shared/load-types.ts';
import { quoteIdent } from '../../sql/identifiers.ts';

/** queued and failed are used by --claim: files waiting for a claimer, and files that failed. */
export type ManifestStatus = 'queued' | 'loading' | 'loaded' | 'failed';

export interface ManifestEntry {
  sha256: string;
  targetTable: string;
  path: string;
  sizeBytes: number;
  mtime: Date;
  status: ManifestStatus;
  mode: WriteMode;
  batchRows: number;
  batchesDone: number;
  /** Hash partitions the file was merged in (1 for append). */
  parts: number;
  counts: RowCounts;
  runId: string;
  seconds: number;
}

export function manifestTable(schema: string): string {
  return `${quoteIdent(schema)}.keyload_manifest`;
}

export function progressTable(schema: string): string {
  return `${quoteIdent(schema)}.keyload_progress`;
}

/** Creates the manifest once; an advisory lock keeps concurrent first runs from racing. */
export async function ensureManifest(client: ClientBase, schema: string): Promise<void> {
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [`keyload_manifest:${schema}`]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${manifestTable(schema)} (
      sha256 text NOT NULL,
      target_table text NOT NULL,
      path text NOT NULL,
      size_bytes bigint NOT NULL,
      mtime timestamptz NOT NULL,
      status text NOT NULL,
      mode text NOT NULL,
      batch_rows integer NOT NULL,
      batches_done integer NOT NULL,
      parts integer NOT NULL,
      rows_read bigint NOT NULL,
      inserted bigint NOT NULL,
      updated bigint NOT NULL,
      unchanged bigint NOT NULL,
      collapsed bigint NOT NULL,
      rejected bigint NOT NULL,
      run_id text NOT NULL,
      seconds double precision NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (sha256, target_table))`);
    // Manifests from earlier versions lack the later columns.
    await client.query(`ALTER TABLE ${manifestTable(schema)}
      ADD COLUMN IF NOT EXISTS parts integer NOT NULL DEFAULT 1,
      ADD COLUMN IF NOT EXISTS superseded bigint NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS claimed_by text,
      ADD COLUMN IF NOT EXISTS lease_until timestamptz,
      ADD COLUMN IF NOT EXISTS error text,
      DROP CONSTRAINT IF EXISTS keyload_manifest_status_check`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${progressTable(schema)} (
      sha256 text NOT NULL,
      target_table text NOT NULL,
      part integer NOT NULL,
      parts integer NOT NULL,
      batch_rows integer NOT NULL,
      batches_done integer NOT NULL,
      done boolean NOT NULL,
      inserted bigint NOT NULL,
      updated bigint NOT NULL,
      unchanged bigint NOT NULL,
      PRIMARY KEY (sha256, target_table, part))`);
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`keyload_manifest:${schema}`]);
  }
}

interface ManifestRow {
  status: ManifestStatus;
  mode: WriteMode;
  batch_rows: number;
  batches_done: number;
  parts: number;
  rows_read: string;
  inserted: string;
  updated: string;
  unchanged: string;
  collapsed: string;
  superseded: string;
  rejected: string;
  run_id: string;
}

export interface ManifestState {
  status: ManifestStatus;
  mode: WriteMode;
  batchRows: number;
  batchesDone: number;
  parts: number;
  counts: RowCounts;
  runId: string;
}

/** Null when the manifest table or the row does not exist. */
export async function readManifest(client: ClientBase, schema: string, sha256: string, targetTable: string): Promise<ManifestState | null> {
  const exists = await client.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [manifestTable(schema)]);
  if (!exists.rows[0]?.ok) return null;
  const result = await client.query<ManifestRow>(`SELECT * FROM ${manifestTable(schema)} WHERE sha256 = $1 AND target_table = $2`, [sha256, targetTable]);
  const row = result.rows[0];
  if (!row) return null;
  return {
    status: row.status,
    mode: row.mode,
    batchRows: row.batch_rows,
    batchesDone: row.batches_done,
    parts: row.parts,
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

/** Call inside the transaction that writes the file's data. */
export async function writeManifest(client: ClientBase, schema: string, entry: ManifestEntry): Promise<void> {
  const c = entry.counts;
  await client.query(
    `INSERT INTO ${manifestTable(schema)} AS m (sha256, target_table, path, size_bytes, mtime, status, mode, batch_rows, batches_done,
       rows_read, inserted, updated, unchanged, collapsed, rejected, run_id, seconds, parts, superseded)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
     ON CONFLICT (sha256, target_table) DO UPDATE SET path = EXCLUDED.path, size_bytes = EXCLUDED.size_bytes, mtime = EXCLUDED.mtime,
       status = EXCLUDED.status, mode = EXCLUDED.mode, batch_rows = EXCLUDED.batch_rows, batches_done = EXCLUDED.batches_done,
       rows_read = EXCLUDED.rows_read, inserted = EXCLUDED.inserted, updated = EXCLUDED.updated, unchanged = EXCLUDED.unchanged,
       collapsed = EXCLUDED.collapsed, rejected = EXCLUDED.rejected, run_id = EXCLUDED.run_id, seconds = EXCLUDED.seconds,
       parts = EXCLUDED.parts, superseded = EXCLUDED.superseded, updated_at = now()`,
    [entry.sha256, entry.targetTable, entry.path, entry.sizeBytes, entry.mtime, entry.status, entry.mode, entry.batchRows, entry.batchesDone,
      c.read, c.inserted, c.updated, c.unchanged, c.collapsed, c.rejected, entry.runId, entry.seconds, entry.parts, c.superseded],
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
  const exists = await client.query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [progressTable(schema)]);
  if (!exists.rows[0]?.ok) return [];
  const result = await client.query<{ part: number; parts: number; batch_rows: number; batches_done: number; done: boolean; inserted: string; updated: string; unchanged: string }>(
    `SELECT * FROM ${progressTable(schema)} WHERE sha256 = $1 AND target_table = $2 ORDER BY part`,
    [file.sha256, file.targetTable],
  );
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
  await client.query(
    `INSERT INTO ${progressTable(schema)} (sha256, target_table, part, parts, batch_rows, batches_done, done, inserted, updated, unchanged)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (sha256, target_table, part) DO UPDATE SET parts = EXCLUDED.parts, batch_rows = EXCLUDED.batch_rows,
       batches_done = EXCLUDED.batches_done, done = EXCLUDED.done, inserted = EXCLUDED.inserted, updated = EXCLUDED.updated, unchanged = EXCLUDED.unchanged`,
    [file.sha256, file.targetTable, unit.part, unit.parts, unit.batchRows, unit.batchesDone, unit.done, unit.inserted, unit.updated, unit.unchanged],
  );
}

export async function clearProgress(client: ClientBase, schema: string, file: FileKey): Promise<void> {
  await client.query(`DELETE FROM ${progressTable(schema)} WHERE sha256 = $1 AND target_table = $2`, [file.sha256, file.targetTable]);
}
