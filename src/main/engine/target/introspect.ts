// Reads what Keyload needs to know about a target table from the catalog, in two queries.
import type { ClientBase } from 'pg';
import { qualifiedName, type TableName } from '../sql/identifiers.ts';

export interface TargetColumn {
  name: string;
  /** format_type() output, including typmod: "numeric(10,2)", "character varying(20)". */
  type: string;
  notNull: boolean;
  /** A DEFAULT, or an identity: the server fills it when the file has no column for it. */
  hasDefault: boolean;
  /** GENERATED ... STORED/VIRTUAL: never written. */
  generated: boolean;
  /** GENERATED ALWAYS AS IDENTITY: written only with OVERRIDING SYSTEM VALUE. */
  identityAlways: boolean;
  /** The type has an equality operator, so IS DISTINCT FROM works on it directly (json does not). */
  comparable: boolean;
  /** Filled from a sequence when not written (an identity, or a nextval() default): in insertion order. */
  fromSequence: boolean;
  /** A collation other than its type's default, quoted ("pg_catalog"."C"); null otherwise. */
  collation: string | null;
}

export interface UniqueKey {
  name: string;
  columns: string[];
  primary: boolean;
}

export interface TargetTable extends TableName {
  columns: TargetColumn[];
  /** Unique, valid, non-partial, expression-free indexes: the ones ON CONFLICT can infer. */
  uniqueKeys: UniqueKey[];
  /** Other tables' foreign keys point at this one (TRUNCATE would fail). */
  referenced: boolean;
  /** It has row triggers of its own (not the foreign keys' internal ones): they may see insertion order. */
  rowTriggers: boolean;
}

const columnsSql = `
  SELECT a.attname AS name,
         format_type(a.atttypid, a.atttypmod) AS type,
         a.attnotnull AS "notNull",
         a.atthasdef OR a.attidentity <> '' AS "hasDefault",
         a.attgenerated <> '' AS generated,
         a.attidentity = 'a' AS "identityAlways",
         EXISTS (
           SELECT 1 FROM pg_opclass o JOIN pg_am m ON m.oid = o.opcmethod
           WHERE o.opcdefault AND m.amname IN ('btree', 'hash')
             AND o.opcintype IN (a.atttypid, COALESCE(NULLIF(t.typelem, 0), a.atttypid), t.typbasetype)
         ) AS comparable,
         a.attidentity <> '' OR COALESCE(strpos(pg_get_expr(d.adbin, d.adrelid), 'nextval(') > 0, false) AS "fromSequence",
         CASE WHEN a.attcollation NOT IN (0, t.typcollation) THEN format('%I.%I', cn.nspname, co.collname) END AS collation
  FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
  LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
  WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attnum`;

const keysSql = `
  SELECT c.relname AS name, i.indisprimary AS primary,
         array_agg(a.attname::text ORDER BY k.ord) AS columns
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
  WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indisvalid
    AND i.indpred IS NULL AND i.indexprs IS NULL
  GROUP BY c.relname, i.indisprimary
  ORDER BY i.indisprimary DESC, c.relname`;

/** Returns null when the table does not exist. */
export async function introspectTable(client: ClientBase, table: TableName): Promise<TargetTable | null> {
  const found = await client.query<{ oid: string | null; referenced: boolean; rowTriggers: boolean }>(
    `SELECT to_regclass($1)::oid::text AS oid,
            EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND confrelid = to_regclass($1)) AS referenced,
            EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal AND tgtype & 1 = 1) AS "rowTriggers"`,
    [qualifiedName(table)],
  );
  const oid = found.rows[0]?.oid;
  if (!oid) return null;
  const columns = await client.query<TargetColumn>(columnsSql, [oid]);
  const keys = await client.query<UniqueKey>(keysSql, [oid]);
  return { ...table, columns: columns.rows, uniqueKeys: keys.rows, referenced: found.rows[0]?.referenced ?? false, rowTriggers: found.rows[0]?.rowTriggers ?? false };
}
