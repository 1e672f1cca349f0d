// A manifest row speaks for the incarnation of the target table it was written for. Each row
// records the table's oid and its storage (the filenodes of its leaf tables), and a row whose table
// has changed identity since is stale: its file is loaded again, and the run says why.
//
// - Another oid: the table was dropped and created again. Nothing of the old one is left.
// - The same oid, other storage: TRUNCATE, but also VACUUM FULL, CLUSTER and rewriting ALTERs give
//   a table new filenodes. Taking every rewrite for a TRUNCATE would append a file's rows a second
//   time, so a new storage makes a row stale only when the table is also empty (one cheap probe,
//   made only after the storage changed). The cost of this rule: a table truncated and then loaded
//   with other files before the re-run is taken for a rewritten one, and its earlier files stay
//   skipped (docs/loading.md says so).
// - Rows written before the identity was recorded (no oid) are taken as they are.
import type { ClientBase } from 'pg';
import { displayName, qualifiedName, type TableName } from '../../sql/identifiers.ts';
import { CURRENT_IDENTITY_SQL, tableEmptySql } from './sql.ts';

export interface RecordedIdentity {
  /** Null for rows written before the identity was recorded. */
  oid: string | null;
  storage: string | null;
}

export type Staleness = 'dropped and recreated' | 'truncated' | null;

export async function staleness(client: ClientBase, table: TableName, recorded: RecordedIdentity): Promise<Staleness> {
  if (recorded.oid === null) return null;
  const now = await client.query<{ oid: string | null; storage: string | null }>(CURRENT_IDENTITY_SQL, [qualifiedName(table)]);
  const current = now.rows[0];
  if (!current?.oid) return null; // no table to compare with: planning reports that on its own
  if (current.oid !== recorded.oid) return 'dropped and recreated';
  if (current.storage === recorded.storage) return null;
  const probe = await client.query<{ empty: boolean }>(tableEmptySql(qualifiedName(table)));
  return probe.rows[0]?.empty ? 'truncated' : null;
}

/** The notice for a stale row: what the manifest said, what happened since, what the run does. */
export function staleNotice(path: string, table: TableName, status: string, recordedAt: Date, why: Exclude<Staleness, null>): string {
  const when = `${recordedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const what = status === 'loaded' ? 'recorded loaded' : 'recorded partly loaded';
  return `${path} was ${what} into ${displayName(table)} on ${when}, but ${displayName(table)} was ${why} since; loading it again`;
}
