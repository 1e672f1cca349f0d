// The SQL of the run's machinery: advisory locks, how many connections the server still accepts,
// whether it runs on this machine, and how sub-batch transactions commit. Values stay $n parameters.

/** $1 = lock class (an int), $2 = text hashed into the lock's second key. Held until unlocked or the session ends. */
export const ADVISORY_LOCK_SQL = 'SELECT pg_advisory_lock($1, hashtext($2))';
/** As ADVISORY_LOCK_SQL, without waiting: ok tells whether it was taken. */
export const TRY_ADVISORY_LOCK_SQL = 'SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok';
export const ADVISORY_UNLOCK_SQL = 'SELECT pg_advisory_unlock($1, hashtext($2))';
/** As ADVISORY_LOCK_SQL, released when the transaction ends. */
export const ADVISORY_XACT_LOCK_SQL = 'SELECT pg_advisory_xact_lock($1, hashtext($2))';

/** Whether the session came in over a Unix socket or loopback: the server shares this machine's cores. */
export const SERVER_IS_LOCAL_SQL = `SELECT coalesce(inet_server_addr() <<= inet '127.0.0.0/8' OR inet_server_addr() = inet '::1', true) AS local`;

/**
 * How many more connections the server accepts from us (free): the tightest of the server's
 * slots, the database's limit and the role's limit, plus the connection asking, which is ours and
 * will be reused.
 */
export const FREE_CONNECTIONS_SQL = `
    SELECT LEAST(
      current_setting('max_connections')::int
        - current_setting('superuser_reserved_connections')::int
        - COALESCE(current_setting('reserved_connections', true)::int, 0)
        - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int,
      COALESCE((SELECT NULLIF(datconnlimit, -1) FROM pg_database WHERE datname = current_database())
        - (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database())::int, 2147483647),
      COALESCE((SELECT NULLIF(rolconnlimit, -1) FROM pg_roles WHERE rolname = current_user)
        - (SELECT count(*) FROM pg_stat_activity WHERE usename = current_user)::int, 2147483647)
    ) + 1 AS free`;

/**
 * Sub-batches commit without waiting for the WAL flush: a server crash can lose the last few, but
 * always together with their progress rows, so the next run redoes exactly those. The transaction
 * that marks a file loaded stays synchronous, which also flushes everything before it.
 */
export const ASYNC_COMMIT = 'SET LOCAL synchronous_commit = off';

export const BACKEND_PID_SQL = 'SELECT pg_backend_pid() AS pid';

/** Whether this session holds a lock that one of the sessions $1 (pids) waits for. */
export const BLOCKS_ANY_SQL = 'SELECT EXISTS (SELECT 1 FROM unnest($1::int[]) AS w(pid) WHERE pg_backend_pid() = ANY (pg_blocking_pids(w.pid))) AS blocking';

/** Dropping a table the run created when no row landed in it: lock it, look for a row, drop it. */
export const createdTableSql = {
  lock: (table: string) => `LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`,
  anyRow: (table: string) => `SELECT EXISTS (SELECT 1 FROM ${table}) AS any`,
  drop: (table: string) => `DROP TABLE ${table}`,
};

/**
 * $1 = the run's backend pids: each lock one of them waits for, with every session blocking it:
 * waiter, relation (null for non-relation locks), holder, application, state, since.
 */
export const LOCK_WAITS_SQL = `SELECT l.pid AS waiter, CASE WHEN l.relation IS NOT NULL THEN l.relation::regclass::text END AS relation,
       h.pid AS holder, coalesce(b.application_name, '') AS application, coalesce(b.state, '') AS state,
       coalesce(b.xact_start, b.backend_start) AS since
     FROM pg_locks l
     CROSS JOIN LATERAL unnest(pg_blocking_pids(l.pid)) AS h(pid)
     LEFT JOIN pg_stat_activity b ON b.pid = h.pid
     WHERE NOT l.granted AND l.pid = ANY($1::int[])
     ORDER BY l.pid, h.pid`;

/**
 * $1 = a qualified table name, $2 = the run's backend pids: other sessions holding a lock on the
 * table that writers wait for (anything stronger than plain reads), as LOCK_WAITS_SQL's holders.
 */
export const TABLE_LOCK_HOLDERS_SQL = `SELECT DISTINCT l.relation::regclass::text AS relation, b.pid AS holder, coalesce(b.application_name, '') AS application,
       coalesce(b.state, '') AS state, coalesce(b.xact_start, b.backend_start) AS since
     FROM pg_locks l JOIN pg_stat_activity b ON b.pid = l.pid
     WHERE l.granted AND l.relation = to_regclass($1) AND l.mode <> 'AccessShareLock' AND l.pid <> ALL($2::int[])
     ORDER BY b.pid`;
