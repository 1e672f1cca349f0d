// Which of a job's tables reference which, from the catalog's foreign keys.
import type { ClientBase } from 'pg';
import { displayName, qualifiedName, type TableName } from '../sql/identifiers.ts';

/** table -> the job tables it references (its parents). Tables that do not exist yet have none. */
export async function readParents(client: ClientBase, tables: TableName[]): Promise<Map<string, Set<string>>> {
  const names = tables.map(displayName);
  const parents = new Map(names.map((n) => [n, new Set<string>()]));
  const result = await client.query<{ child: string; parent: string }>(
    `SELECT ch.nspname || '.' || c.relname AS child, ph.nspname || '.' || p.relname AS parent
     FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace ch ON ch.oid = c.relnamespace
     JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace ph ON ph.oid = p.relnamespace
     WHERE k.contype = 'f' AND k.conrelid <> k.confrelid
       AND k.conrelid = ANY($1::regclass[]) AND k.confrelid = ANY($1::regclass[])`,
    [await existing(client, tables)],
  );
  for (const { child, parent } of result.rows) parents.get(child)?.add(parent);
  return parents;
}

async function existing(client: ClientBase, tables: TableName[]): Promise<string[]> {
  const result = await client.query<{ name: string | null }>(`SELECT to_regclass(n)::text AS name FROM unnest($1::text[]) AS n`, [tables.map(qualifiedName)]);
  return tables.filter((_, i) => result.rows[i]?.name).map(qualifiedName);
}
