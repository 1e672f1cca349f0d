// --claim: Keyload processes on one or many machines share one list of files through the manifest.
// Each process registers the files as queued, then repeatedly claims one with
// SELECT ... FOR UPDATE SKIP LOCKED and a lease it renews while loading. A claimer that dies stops
// renewing; once its lease runs out another process claims the file and resumes it from its
// committed progress. The coordination lives in PostgreSQL: there is no other coordinator.
import type { ClientBase } from 'pg';
import { claimNextSql, claimStatesSql, enqueueSql, markFailedSql, renewLeaseSql } from './sql.ts';

export interface ClaimTarget {
  schema: string;
  table: string;
  /** This process, as other claimers will see it. */
  claimer: string;
  leaseSeconds: number;
}

export interface QueuedFile {
  sha256: string;
  path: string;
  sizeBytes: number;
  mtime: Date;
  mode: string;
  batchRows: number;
  runId: string;
}

/** Queues files not yet known to the manifest, and re-queues ones that failed earlier. */
export async function enqueue(client: ClientBase, target: ClaimTarget, files: QueuedFile[]): Promise<void> {
  for (const f of files) {
    await client.query(enqueueSql(target.schema), [f.sha256, target.table, f.path, f.sizeBytes, f.mtime, f.mode, f.batchRows, f.runId]);
  }
}

/** Claims one queued file, or one whose claimer's lease ran out; null when there is none. */
export async function claimNext(client: ClientBase, target: ClaimTarget, shas: string[]): Promise<string | null> {
  const result = await client.query<{ sha256: string }>(claimNextSql(target.schema), [target.table, shas, target.claimer, target.leaseSeconds]);
  return result.rows[0]?.sha256 ?? null;
}

/** Extends our lease; false when the file is no longer ours (our lease ran out and it was taken). */
export async function renewLease(client: ClientBase, target: ClaimTarget, sha256: string): Promise<boolean> {
  const result = await client.query(renewLeaseSql(target.schema), [sha256, target.table, target.claimer, target.leaseSeconds]);
  return result.rowCount === 1;
}

export async function markFailed(client: ClientBase, target: ClaimTarget, sha256: string, message: string): Promise<void> {
  await client.query(markFailedSql(target.schema), [sha256, target.table, target.claimer, message]);
}

export interface ClaimState {
  status: string;
  claimedBy: string | null;
  leaseLive: boolean;
}

export async function claimStates(client: ClientBase, target: ClaimTarget, shas: string[]): Promise<Map<string, ClaimState>> {
  const result = await client.query<{ sha256: string; status: string; claimed_by: string | null; live: boolean }>(claimStatesSql(target.schema), [target.table, shas]);
  return new Map(result.rows.map((r) => [r.sha256, { status: r.status, claimedBy: r.claimed_by, leaseLive: r.live }]));
}
