// tables.list, tables.describe and mapping.suggest: the target side of the load screen.
import type { MappingSuggestion, TableInfo, TableSummary } from '../../../shared/ipc/contract.ts';
import { parseTableName } from '../../../shared/table-name.ts';
import { inspectFile, introspectTable, mapColumns, toErrorInfo, type TargetTable } from '../../engine/index.ts';
import type { ConnectionStore } from '../../store/connections.ts';
import type { HandlerImpls } from '../dispatch.ts';
import { withClient } from '../with-client.ts';

const numeric = /^(smallint|integer|bigint|numeric|real|double precision)/;
const temporal = /^(date|time|timestamp)/;

/** A file type that the target column type may refuse, as a warning for the mapping grid. */
export function typeWarning(source: string, target: string): string | null {
  if (source === target || target === 'text' || target.startsWith('character')) return null;
  if (numeric.test(target) && !numeric.test(source)) return `${source} values into ${target}`;
  if (temporal.test(target) && !temporal.test(source)) return `${source} values into ${target}`;
  if (target === 'boolean' && source !== 'boolean') return `${source} values into boolean`;
  if (/^(integer|smallint)$/.test(target) && /^(bigint|numeric)/.test(source)) return `${source} values may not fit ${target}`;
  return null;
}

/**
 * Every user table with its row estimate and columns, in one catalog query. reltuples is -1 until
 * the first VACUUM or ANALYZE (unknown); a partitioned table's estimate is its leaf partitions' sum.
 */
const tableSummariesSql = `
  SELECT n.nspname AS schema, c.relname AS name,
         CASE WHEN c.relkind = 'p' THEN leaves.rows WHEN c.reltuples < 0 THEN NULL ELSE c.reltuples::float8 END AS "rowEstimate",
         COALESCE(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum)
                    FILTER (WHERE a.attnum IS NOT NULL), '[]') AS columns
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN LATERAL (
    SELECT CASE WHEN bool_or(p.reltuples < 0) THEN NULL ELSE sum(p.reltuples)::float8 END AS rows
    FROM pg_partition_tree(c.oid) t JOIN pg_class p ON p.oid = t.relid
    WHERE c.relkind = 'p' AND t.isleaf
  ) leaves ON true
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'keyload') AND n.nspname NOT LIKE 'pg\\_%'
  GROUP BY n.nspname, c.relname, c.relkind, c.reltuples, leaves.rows
  ORDER BY 1, 2`;

function tableInfo(table: TargetTable): TableInfo {
  return {
    schema: table.schema,
    name: table.name,
    columns: table.columns.map(({ name, type, notNull, hasDefault, generated }) => ({ name, type, notNull, hasDefault, generated })),
    uniqueKeys: table.uniqueKeys,
  };
}

export function tableHandlers(connections: ConnectionStore): Pick<HandlerImpls, 'tables.list' | 'tables.describe' | 'mapping.suggest'> {
  return {
    'tables.list': async ({ connectionId, password }) =>
      withClient(await connections.connectionString(connectionId, password), async (client) => {
        const result = await client.query<TableSummary>(tableSummariesSql);
        return result.rows;
      }),
    'tables.describe': async ({ connectionId, password, table }) =>
      withClient(await connections.connectionString(connectionId, password), async (client) => {
        const found = await introspectTable(client, parseTableName(table));
        return found ? tableInfo(found) : null;
      }),
    'mapping.suggest': async ({ connectionId, password, table, files, map, overrides }) => {
      const target = await withClient(await connections.connectionString(connectionId, password), (client) => introspectTable(client, parseTableName(table)));
      const suggestions: MappingSuggestion[] = [];
      for (const path of files) {
        const inspected = await inspectFile(path, overrides[path]);
        if (inspected.error || !target) {
          suggestions.push({ path, mapped: [], skipped: inspected.columns.map((c) => c.name), warnings: [], error: inspected.error });
          continue;
        }
        try {
          // Unmatched file columns come back in `skipped` rather than failing the suggestion; the
          // screen then asks the user to map or skip each of them before the run.
          const mapping = mapColumns(inspected.columns.map((c) => c.name), target.columns, { explicit: map, ignoreExtraColumns: true, file: path });
          const sourceType = new Map(inspected.columns.map((c) => [c.name, c.pgType]));
          const targetType = new Map(target.columns.map((c) => [c.name, c.type]));
          const warnings = mapping.mapped.flatMap((m) => {
            const warning = typeWarning(sourceType.get(m.source) ?? 'text', targetType.get(m.target) ?? 'text');
            return warning ? [`${m.source} -> ${m.target}: ${warning}`] : [];
          });
          suggestions.push({ path, mapped: mapping.mapped.map(({ source, target: to, how }) => ({ source, target: to, how })), skipped: mapping.skipped, warnings, error: null });
        } catch (error) {
          suggestions.push({ path, mapped: [], skipped: [], warnings: [], error: toErrorInfo(error, path) });
        }
      }
      return suggestions;
    },
  };
}
