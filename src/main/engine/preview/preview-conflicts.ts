// A page of conflicting keys, each with every version of the key, the winner and the stored row.
// The keys passing a filter are listed once; a page then costs one statement whatever its size.
import type { PoolClient } from 'pg';
import type { ConflictEntry, ConflictPage } from '../../../shared/preview-types.ts';
import { conflictPageSql, dropPageKeysSql, keyIndexSql, pageKeysSql, type ConflictFilter, type ConflictKeyKind, type PageRanking, type PreviewShape } from './sql.ts';

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

type PageRow = Record<string, unknown> & {
  kind: ConflictKeyKind;
  columns: string[];
  stored: Record<string, unknown> | null;
  versions: VersionRow[];
};

/**
 * Pages of conflicting keys for one session. The keys passing a filter are listed once into
 * pv_page_keys, while the filter, policy and order stay the same, so scrolling costs one statement
 * per page, whatever its size.
 */
export class ConflictPager {
  private listed: { signature: string; total: number } | null = null;

  async page(client: PoolClient, shape: PreviewShape, ranking: PageRanking, files: RankedFiles, filter: ConflictFilter, page: { offset: number; limit: number }): Promise<ConflictPage> {
    const total = await this.list(client, shape, ranking, files, filter);
    const result = await client.query<PageRow>(conflictPageSql(shape, ranking, page, files.loadOrder));
    const entries = result.rows.map((row): ConflictEntry => {
      const key = Object.fromEntries(shape.key.map((c) => [c, row[c]]));
      return {
        kind: row.kind,
        key,
        columns: row.columns,
        stored: row.stored ? { ...key, ...row.stored } : null,
        versions: row.versions.map((v) => ({ file: files.pathOf(v.file), line: v.line, values: v.values, winner: v.winner })),
      };
    });
    return { total, offset: page.offset, limit: page.limit, entries };
  }

  /** How many keys pass the filter; lists them first when the filter or the ranking changed. */
  private async list(client: PoolClient, shape: PreviewShape, ranking: PageRanking, files: RankedFiles, filter: ConflictFilter): Promise<number> {
    const signature = JSON.stringify([filter, ranking.variant, files.loadOrder]);
    if (this.listed?.signature === signature) return this.listed.total;
    this.listed = null;
    await client.query(dropPageKeysSql);
    const listed = await client.query(pageKeysSql(shape, filter, ranking, files.loadOrder));
    await client.query(`${keyIndexSql('pg_temp.pv_page_keys', shape.key)}; ANALYZE pg_temp.pv_page_keys`);
    this.listed = { signature, total: listed.rowCount ?? 0 };
    return this.listed.total;
  }
}
