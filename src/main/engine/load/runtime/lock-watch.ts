// Makes lock waits visible: while the run loads, the coordinator connection asks the server which
// of the run's sessions wait for a lock and who holds it (pg_blocking_pids + pg_stat_activity), and
// a wait that has lasted over a second goes out as a 'lock-wait' event. When --lock-timeout ends a
// wait (SQLSTATE 55P03), explain() turns the bare server error into one naming the table and holder.
import type { Pool, PoolClient } from 'pg';
import { ErrorCodes, type ErrorInfo } from '../../../../shared/errors.ts';
import type { LoadEvent } from '../../../../shared/load-types.ts';
import { lockHolderText, type LockWait } from '../../../../shared/lock-wait.ts';
import { LOCK_WAITS_SQL, TABLE_LOCK_HOLDERS_SQL } from './sql.ts';

const pollMs = 250;
/** Shorter waits are normal between the run's own statements: only longer ones are shown. */
const visibleAfterMs = 1_000;
const LOCK_NOT_AVAILABLE = '55P03';

interface HolderRow {
  relation: string | null;
  holder: number;
  application: string;
  state: string;
  since: Date | null;
}

function toWait(row: HolderRow): LockWait {
  return { relation: row.relation, holderPid: row.holder, holderApplication: row.application, holderState: row.state, holderSince: row.since?.toISOString() ?? null };
}

export class LockWatch {
  /** Backend pids of the run's sessions, learnt as the pool opens them. */
  private readonly ours = new Set<number>();
  /** When each (waiter, holder) pair was first seen waiting. */
  private readonly seenSince = new Map<string, number>();
  /** The holders of the latest waits seen, however short: what a lock timeout is explained with. */
  private lastHolders: LockWait[] = [];
  private shown = '[]';
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private coordinator: PoolClient | null = null;
  private readonly pool: Pool;
  private readonly emit: (event: LoadEvent) => void;
  private readonly onConnect = (client: PoolClient) => {
    // pg sets processID from the server's BackendKeyData; its types leave it out.
    const pid: unknown = Reflect.get(client, 'processID');
    if (typeof pid === 'number') this.ours.add(pid);
  };

  /** Listens to the pool from now on: create it before the pool opens its first connection. */
  constructor(pool: Pool, emit: (event: LoadEvent) => void) {
    this.pool = pool;
    this.emit = emit;
    pool.on('connect', this.onConnect);
  }

  start(coordinator: PoolClient): void {
    this.coordinator = coordinator;
    this.timer = setInterval(() => {
      this.polling ??= this.poll().finally(() => (this.polling = null));
    }, pollMs);
    this.timer.unref();
  }

  /** Stops polling (waiting for a poll in flight) and clears a wait that was shown. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    this.pool.off('connect', this.onConnect);
    this.show([]);
  }

  private async poll(): Promise<void> {
    const client = this.coordinator;
    if (!client) return;
    let rows: (HolderRow & { waiter: number })[];
    try {
      rows = (await client.query<HolderRow & { waiter: number }>(LOCK_WAITS_SQL, [[...this.ours]])).rows;
    } catch {
      return; // the coordinator lost its connection: the run's own statements report that
    }
    const now = performance.now();
    const current = new Set(rows.map((r) => `${r.waiter}:${r.holder}`));
    for (const pair of this.seenSince.keys()) if (!current.has(pair)) this.seenSince.delete(pair);
    for (const pair of current) if (!this.seenSince.has(pair)) this.seenSince.set(pair, now);
    if (rows.length > 0) this.lastHolders = rows.map(toWait);
    const visible = rows.filter((r) => now - (this.seenSince.get(`${r.waiter}:${r.holder}`) ?? now) >= visibleAfterMs).map(toWait);
    this.show(visible);
  }

  /** One wait per holder and relation: several of the run's sessions often wait for the same lock. */
  private show(waits: LockWait[]): void {
    const distinct = [...new Map(waits.map((w) => [`${w.holderPid}:${w.relation}`, w])).values()];
    const key = JSON.stringify(distinct);
    if (key === this.shown) return;
    this.shown = key;
    this.emit({ type: 'lock-wait', waits: distinct });
  }

  /**
   * A lock timeout as an error naming the table and who held the lock (the holder seen waiting
   * on, or else whoever holds a lock on the target that writers wait for); other errors unchanged.
   */
  async explain(error: ErrorInfo, table: { qualified: string; display: string }, timeoutMs: number | undefined): Promise<ErrorInfo> {
    if (error.code !== LOCK_NOT_AVAILABLE) return error;
    let holders = this.lastHolders;
    if (holders.length === 0 && this.coordinator) {
      try {
        holders = (await this.coordinator.query<HolderRow>(TABLE_LOCK_HOLDERS_SQL, [table.qualified, [...this.ours]])).rows.map(toWait);
      } catch {
        holders = [];
      }
    }
    const holder = holders[0];
    const relation = holder?.relation ?? table.display;
    const after = timeoutMs === undefined ? 'lock_timeout' : `--lock-timeout (${timeoutMs} ms)`;
    return {
      ...error,
      code: ErrorCodes.lockTimeout,
      message: `Gave up waiting for a lock on ${relation} after ${after} (SQLSTATE 55P03)${holder ? `: it is held by ${lockHolderText(holder)}` : ''}`,
      hint: 'Wait for that session to finish (or end it), or allow a longer --lock-timeout.',
    };
  }
}
