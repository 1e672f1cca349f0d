// The engine's connection pools. Every session asks the server to watch for a lost client: a
// killed Keyload must not leave a backend running its last statement for minutes, holding the
// run's lock (so the next run takes its staging tables for a live run's) and the table's locks.
import pg from 'pg';

/** Where the engine connects; undefined connectionString means libpq's PG* variables. */
export interface ConnectionConfig {
  connectionString: string | undefined;
  applicationName?: string;
}

/**
 * While a statement runs, the server polls the client's socket this often and ends the session
 * when the client is gone (PostgreSQL 14+, Linux servers; older servers keep their behaviour:
 * they notice when they next write to the client).
 */
const CLIENT_CHECK_INTERVAL = '1s';
const WATCH_LOST_CLIENT_SQL = `SELECT set_config('client_connection_check_interval', '${CLIENT_CHECK_INTERVAL}', false)
     WHERE current_setting('server_version_num')::int >= 140000`;

/** `lockTimeoutMs` becomes the sessions' lock_timeout (--lock-timeout). */
export function openPool(connection: ConnectionConfig, max: number, lockTimeoutMs?: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: connection.connectionString,
    max,
    application_name: connection.applicationName ?? 'keyload',
    ...(lockTimeoutMs === undefined ? {} : { lock_timeout: lockTimeoutMs }),
  });
  // Queued ahead of the session's first statement; a failure here shows on that statement.
  pool.on('connect', (client) => void client.query(WATCH_LOST_CLIENT_SQL).catch(() => {}));
  // An idle connection dying must not crash the process; the next query on it reports the failure.
  pool.on('error', () => {});
  return pool;
}
