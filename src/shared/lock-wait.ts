// A statement of the run waiting for a lock another session holds, as the engine reports it while
// the wait lasts (CLI progress and the app show the same line).

export interface LockWait {
  /** The relation waited for ("schema.table"), or null for other locks (advisory, transaction id). */
  relation: string | null;
  /** The session holding the lock. */
  holderPid: number;
  holderApplication: string;
  /** pg_stat_activity.state of the holder: active, idle in transaction, ... */
  holderState: string;
  /** When the holder's transaction (or session) began, as an ISO timestamp. */
  holderSince: string | null;
}

function clock(iso: string): string {
  return new Date(iso).toTimeString().slice(0, 8);
}

/** "pid 123 (psql, idle in transaction, since 10:42:07)" */
export function lockHolderText(wait: LockWait): string {
  const details = [wait.holderApplication || 'no application name', wait.holderState || 'unknown state', ...(wait.holderSince ? [`since ${clock(wait.holderSince)}`] : [])];
  return `pid ${wait.holderPid} (${details.join(', ')})`;
}

/** "waiting for a lock on public.t held by pid 123 (psql, idle in transaction, since 10:42:07)" */
export function lockWaitMessage(wait: LockWait): string {
  return `waiting for a lock${wait.relation ? ` on ${wait.relation}` : ''} held by ${lockHolderText(wait)}`;
}
