// The preview's analysis (sql.ts), built once per session: each table in one statement over the
// staged files, then indexed for the per-key lookups of pages and re-ranking. Being unlogged
// tables rather than temp ones, the statements can use the server's parallel workers.
import type { PoolClient } from 'pg';
import type { WriteMode } from '../../../shared/load-types.ts';
import { foldAggregateSql, groupsSelect } from './ranking-sql.ts';
import { crossSelect, duplicatesSelect, indexAnalysisSql, keyIndexSql, keysSelect, rowsSelect, type PreviewShape } from './sql.ts';

export async function analyse(client: PoolClient, shape: PreviewShape, mode: WriteMode): Promise<void> {
  const t = shape.tables;
  const create = (table: string, select: string) => client.query(`CREATE UNLOGGED TABLE ${table} AS ${select}`);
  await client.query(foldAggregateSql);
  // Pages read a key's staged rows in every file.
  for (const source of shape.sources) await client.query(keyIndexSql(source.table, shape.key));
  await create(t.dups, duplicatesSelect(shape));
  await create(t.rows, rowsSelect(shape));
  await client.query(indexAnalysisSql(shape, 'rows'));
  await create(t.keys, keysSelect(shape));
  await client.query(indexAnalysisSql(shape, 'keys'));
  await create(t.cross, crossSelect(shape));
  await client.query(indexAnalysisSql(shape, 'cross'));
  await create(t.groups, groupsSelect(shape, mode));
}
