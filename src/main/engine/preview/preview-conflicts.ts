// A page of conflicting keys, each with every version of the key, the winner and the stored row.
// One statement per page whatever its size: the keys are picked and their versions gathered in SQL.
import type { PoolClient } from 'pg';
import type { ConflictEntry, ConflictPage } from '../../../shared/preview-types.ts';
import { conflictPageSql, type ConflictFilter, type ConflictKeyKind, type PageRanking, type PreviewShape } from './sql.ts';

/** What a page needs to know of the session's current ranking. */
export interface RankedFiles {
  /** Plan indexes of the staged files, in load order. */
  loadOrder: number[];
  pathOf(planIndex: number): string;
}

interface VersionRow {
  file: number;
  line: number;
  values: Record<string, unknown>;
  winner: boolean;
}

/** A row of the page statement: the total, and the entry's fields (NULL on the one row of an empty page). */
type PageRow = Record<string, unknown> & {
  total: string;
  kind: ConflictKeyKind | null;
  columns: string[];
  stored: Record<string, unknown> | null;
  versions: VersionRow[];
};

const hasEntry = (row: PageRow): row is PageRow & { kind: ConflictKeyKind } => row.kind !== null;

export async function conflictPage(
  client: PoolClient,
  shape: PreviewShape,
  ranking: PageRanking,
  files: RankedFiles,
  filter: ConflictFilter,
  page: { offset: number; limit: number },
): Promise<ConflictPage> {
  const result = await client.query<PageRow>(conflictPageSql(shape, filter, ranking, page, files.loadOrder));
  const entries = result.rows.filter(hasEntry).map((row): ConflictEntry => {
    const key = Object.fromEntries(shape.key.map((c) => [c, row[c]]));
    return {
      kind: row.kind,
      key,
      columns: row.columns,
      stored: row.stored ? { ...key, ...row.stored } : null,
      versions: row.versions.map((v) => ({ file: files.pathOf(v.file), line: v.line, values: v.values, winner: v.winner })),
    };
  });
  return { total: Number(result.rows[0]?.total ?? 0), offset: page.offset, limit: page.limit, entries };
}
