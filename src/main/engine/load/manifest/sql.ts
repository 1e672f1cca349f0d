// The SQL of the manifest (one row per file and target) and its progress rows (one per merge unit),
// and of --claim's queue on the same table. Builders take the manifest schema, quoted here; every
// value is a $n parameter, numbered as each builder's comment says.
import { quoteIdent } from '../../sql/identifiers.ts';

export function manifestTable(schema: string): string {
  return `${quoteIdent(schema)}.keyload_manifest`;
}

export function progressTable(schema: string): string {
  return `${quoteIdent(schema)}.keyload_progress`;
}

/** $1 = the text naming the lock; creating the manifest takes it so concurrent first runs do not race. */
export const MANIFEST_LOCK_SQL = 'SELECT pg_advisory_lock(hashtext($1))';
export const MANIFEST_UNLOCK_SQL = 'SELECT pg_advisory_unlock(hashtext($1))';

/** Columns added to the manifest after its first version, oldest first. */
const ADDED_COLUMNS = [
  'parts integer NOT NULL DEFAULT 1',
  'superseded bigint NOT NULL DEFAULT 0',
  'claimed_by text',
  'lease_until timestamptz',
  'error text',
  'table_oid bigint',
  'table_storage text',
  'unit_bounds jsonb',
];

/**
 * $1 = the manifest, $2 = the progress table (qualified names): ok when both exist and the manifest
 * has the newest column (the upgrade adds them all in one statement). A current manifest skips the
 * DDL, whose ACCESS EXCLUSIVE lock would wait behind every running merge (they write the manifest
 * in their transaction) and queue all other claimers' manifest queries behind itself.
 */
export const MANIFEST_CURRENT_SQL = `SELECT to_regclass($2) IS NOT NULL AND EXISTS (
  SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = '${ADDED_COLUMNS.at(-1)?.split(' ')[0]}' AND NOT attisdropped) AS ok`;

/** The statements that create (or upgrade) the schema, the manifest and the progress table, in order. */
export function createManifestSql(schema: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`,
    `CREATE TABLE IF NOT EXISTS ${manifestTable(schema)} (
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
      PRIMARY KEY (sha256, target_table))`,
    // Manifests from earlier versions lack the later columns.
    `ALTER TABLE ${manifestTable(schema)}
      ${ADDED_COLUMNS.map((column) => `ADD COLUMN IF NOT EXISTS ${column}`).join(',\n      ')},
      DROP CONSTRAINT IF EXISTS keyload_manifest_status_check`,
    `CREATE TABLE IF NOT EXISTS ${progressTable(schema)} (
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
      PRIMARY KEY (sha256, target_table, part))`,
  ];
}

/** $1 = a qualified table name: ok tells whether the table exists (a first run has no manifest yet). */
export const TABLE_EXISTS_SQL = 'SELECT to_regclass($1) IS NOT NULL AS ok';

/** $1 = sha256, $2 = target table. */
export function readManifestSql(schema: string): string {
  return `SELECT * FROM ${manifestTable(schema)} WHERE sha256 = $1 AND target_table = $2`;
}

/**
 * The target's identity as the manifest records it, from a regclass expression: its oid (a new one
 * after DROP + CREATE) and its storage, the filenodes of its leaf tables (new ones after TRUNCATE,
 * and after rewrites such as VACUUM FULL, CLUSTER or ALTER ... TYPE).
 */
function identityOf(regclass: string): { oid: string; storage: string } {
  return {
    oid: `${regclass}::oid::bigint`,
    // pg_partition_tree lists nothing for a table that is not partitioned.
    storage: `COALESCE((SELECT string_agg(pg_relation_filenode(p.relid)::text, ',' ORDER BY p.relid) FROM pg_partition_tree(${regclass}) p WHERE p.isleaf),
      pg_relation_filenode(${regclass})::text)`,
  };
}

/**
 * $1..$21 = sha256, target table, path, size, mtime, status, mode, batch rows, batches done, rows
 * read, inserted, updated, unchanged, collapsed, rejected, run id, seconds, parts, superseded, the
 * target as a quoted qualified name (its identity is recorded with the row), and the units' key
 * bounds (JSON; null for hash units).
 */
export function writeManifestSql(schema: string): string {
  const identity = identityOf('to_regclass($20)');
  return `INSERT INTO ${manifestTable(schema)} AS m (sha256, target_table, path, size_bytes, mtime, status, mode, batch_rows, batches_done,
       rows_read, inserted, updated, unchanged, collapsed, rejected, run_id, seconds, parts, superseded, table_oid, table_storage, unit_bounds)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, ${identity.oid}, ${identity.storage}, $21::jsonb)
     ON CONFLICT (sha256, target_table) DO UPDATE SET path = EXCLUDED.path, size_bytes = EXCLUDED.size_bytes, mtime = EXCLUDED.mtime,
       status = EXCLUDED.status, mode = EXCLUDED.mode, batch_rows = EXCLUDED.batch_rows, batches_done = EXCLUDED.batches_done,
       rows_read = EXCLUDED.rows_read, inserted = EXCLUDED.inserted, updated = EXCLUDED.updated, unchanged = EXCLUDED.unchanged,
       collapsed = EXCLUDED.collapsed, rejected = EXCLUDED.rejected, run_id = EXCLUDED.run_id, seconds = EXCLUDED.seconds,
       parts = EXCLUDED.parts, superseded = EXCLUDED.superseded, table_oid = EXCLUDED.table_oid, table_storage = EXCLUDED.table_storage,
       unit_bounds = EXCLUDED.unit_bounds, updated_at = now()`;
}

/** $1 = the target as a quoted qualified name: its identity now (oid, storage), as writeManifestSql records it. */
export const CURRENT_IDENTITY_SQL = (() => {
  const identity = identityOf('to_regclass($1)');
  return `SELECT ${identity.oid} AS oid, ${identity.storage} AS storage`;
})();

/** Whether the target (a quoted qualified name) holds no row: what tells a TRUNCATE from a rewrite. */
export function tableEmptySql(table: string): string {
  return `SELECT NOT EXISTS (SELECT 1 FROM ${table}) AS empty`;
}

/** $1 = sha256, $2 = target table: forgets one file's rows and progress (they describe a table that is gone). */
export function forgetFileSql(schema: string): string[] {
  return [manifestTable(schema), progressTable(schema)].map((table) => `DELETE FROM ${table} WHERE sha256 = $1 AND target_table = $2`);
}

/** $1 = sha256, $2 = target table: the file's units, by part. */
export function readProgressSql(schema: string): string {
  return `SELECT * FROM ${progressTable(schema)} WHERE sha256 = $1 AND target_table = $2 ORDER BY part`;
}

/** $1..$10 = sha256, target table, part, parts, batch rows, batches done, done, inserted, updated, unchanged. */
export function writeProgressSql(schema: string): string {
  return `INSERT INTO ${progressTable(schema)} (sha256, target_table, part, parts, batch_rows, batches_done, done, inserted, updated, unchanged)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (sha256, target_table, part) DO UPDATE SET parts = EXCLUDED.parts, batch_rows = EXCLUDED.batch_rows,
       batches_done = EXCLUDED.batches_done, done = EXCLUDED.done, inserted = EXCLUDED.inserted, updated = EXCLUDED.updated, unchanged = EXCLUDED.unchanged`;
}

/** $1 = sha256, $2 = target table. */
export function clearProgressSql(schema: string): string {
  return `DELETE FROM ${progressTable(schema)} WHERE sha256 = $1 AND target_table = $2`;
}

/**
 * --claim. $1..$8 = sha256, target table, path, size, mtime, mode, batch rows, run id: queues the
 * file unless the manifest knows it; re-queues it when it had failed.
 */
export function enqueueSql(schema: string): string {
  return `INSERT INTO ${manifestTable(schema)} AS m (sha256, target_table, path, size_bytes, mtime, status, mode, batch_rows, batches_done,
         parts, rows_read, inserted, updated, unchanged, collapsed, rejected, run_id, seconds)
       VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, 0, 1, 0, 0, 0, 0, 0, 0, $8, 0)
       ON CONFLICT (sha256, target_table) DO UPDATE SET status = 'queued', claimed_by = NULL, lease_until = NULL, error = NULL
       WHERE m.status = 'failed'`;
}

/**
 * $1 = target table, $2 = the run's sha256s, $3 = claimer, $4 = lease seconds: claims the first
 * (by path) queued file, or one whose lease ran out, skipping rows other claimers hold; returns sha256.
 * Never a lapsed lease of its own: one of its lanes may still be loading that file while the
 * renewal waits out a server outage.
 */
export function claimNextSql(schema: string): string {
  return `UPDATE ${manifestTable(schema)} m SET status = 'loading', claimed_by = $3, lease_until = now() + make_interval(secs => $4)
     WHERE (m.sha256, m.target_table) = (
       SELECT sha256, target_table FROM ${manifestTable(schema)}
       WHERE target_table = $1 AND sha256 = ANY($2::text[])
         AND (status = 'queued' OR (status = 'loading' AND lease_until < now() AND claimed_by IS DISTINCT FROM $3))
       ORDER BY path LIMIT 1
       FOR UPDATE SKIP LOCKED)
     RETURNING m.sha256`;
}

/** $1 = sha256, $2 = target table, $3 = claimer, $4 = lease seconds: touches no row once the file is not ours. */
export function renewLeaseSql(schema: string): string {
  return `UPDATE ${manifestTable(schema)} SET lease_until = now() + make_interval(secs => $4)
     WHERE sha256 = $1 AND target_table = $2 AND claimed_by = $3 AND status = 'loading'`;
}

/** $1 = sha256, $2 = target table, $3 = claimer, $4 = error message. */
export function markFailedSql(schema: string): string {
  return `UPDATE ${manifestTable(schema)} SET status = 'failed', error = $4, lease_until = NULL
     WHERE sha256 = $1 AND target_table = $2 AND claimed_by = $3`;
}

/** $1 = target table, $2 = sha256s: sha256, status, claimed_by, live (the lease has not run out). */
export function claimStatesSql(schema: string): string {
  return `SELECT sha256, status, claimed_by, COALESCE(lease_until > now(), false) AS live
     FROM ${manifestTable(schema)} WHERE target_table = $1 AND sha256 = ANY($2::text[])`;
}

/** Files left "loading" outside --claim (whose rows have a lease instead): path, target_table, run_id, inserted. */
export function loadingFilesSql(schema: string): string {
  return `SELECT path, target_table, run_id, inserted FROM ${manifestTable(schema)} WHERE status = 'loading' AND claimed_by IS NULL ORDER BY target_table, path`;
}

/** $1 = target table: forgets everything the manifest holds for it (the table is gone). */
export function forgetTableSql(schema: string): string[] {
  return [manifestTable(schema), progressTable(schema)].map((table) => `DELETE FROM ${table} WHERE target_table = $1`);
}
