// The SQL of finding and dropping what runs leave behind: staging tables (s_<run tag>_...) in the
// manifest schema. Identifiers go through quoteIdent; values stay $n parameters.
import { quoteIdent } from '../../sql/identifiers.ts';

/**
 * $1 = schema: its staging tables (s_<run tag>_..., partitions left out: they go with their
 * parent), grouped by run tag: tag, tables, bytes (with partitions, indexes and TOAST).
 */
export const STAGING_TABLES_SQL = `SELECT substring(c.relname from '^s_([0-9a-f]{8})_') AS tag, array_agg(c.relname::text ORDER BY c.relname) AS tables,
       sum(COALESCE((SELECT sum(pg_total_relation_size(p.relid)) FROM pg_partition_tree(c.oid) p), pg_total_relation_size(c.oid)))::bigint AS bytes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname ~ '^s_[0-9a-f]{8}_'
     GROUP BY 1 ORDER BY 1`;

/** One table (with its partitions) per statement: a run's thousands of partitions would overflow one transaction's lock table. */
export function dropTableSql(schema: string, table: string): string {
  return `DROP TABLE IF EXISTS ${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** A table a lane of the run still uses must not hang the run's end: the next start drops it instead. */
export const SHORT_LOCK_TIMEOUT_SQL = `SET lock_timeout = '5s'`;
