// A preview keeps rejected rows in a table (not a CSV) so they can be paged through with the rest.
import type { Pool, PoolClient } from 'pg';
import type { ConflictPage, ConflictQuery } from '../../../shared/preview-types.ts';
import type { RejectSink } from '../load/file-context.ts';
import { acquireClient } from '../load/runtime/pool-client.ts';
import type { RejectedRow } from '../load/stage/rejects-file.ts';
import { quoteIdent } from '../sql/identifiers.ts';

export class RejectsTable {
  private readonly pool: Pool;
  readonly name: string;

  private constructor(pool: Pool, name: string) {
    this.pool = pool;
    this.name = name;
  }

  /** Named like staging tables, so a preview that dies leaves it for the next run to clean up. */
  static async create(pool: Pool, schema: string, tag: string): Promise<RejectsTable> {
    const table = new RejectsTable(pool, `${quoteIdent(schema)}.${quoteIdent(`s_${tag}_rejects`)}`);
    const { client, release } = await acquireClient(pool);
    try {
      await client.query(`CREATE UNLOGGED TABLE ${table.name} (file int NOT NULL, line bigint NOT NULL, "column" text, reason text NOT NULL, "values" jsonb NOT NULL)`);
    } finally {
      release(false);
    }
    return table;
  }

  sink(file: number): RejectSink {
    return {
      write: async (rows: RejectedRow[]) => {
        if (rows.length === 0) return;
        const { client, release } = await acquireClient(this.pool);
        try {
          await client.query(
            `INSERT INTO ${this.name} SELECT $1, x.line, x."column", x.reason, x."values" FROM jsonb_to_recordset($2::jsonb) AS x(line bigint, "column" text, reason text, "values" jsonb)`,
            [file, JSON.stringify(rows)],
          );
        } finally {
          release(false);
        }
      },
    };
  }

  async page(client: PoolClient, query: ConflictQuery, offset: number, limit: number, pathOf: (file: number) => string): Promise<ConflictPage> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.key) {
      params.push(`%${query.key}%`);
      where.push(`r."values"::text ILIKE $${params.length}`);
    }
    if (query.column) {
      params.push(query.column);
      where.push(`r."column" = $${params.length}`);
    }
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.name} r ${filter}`, params)).rows[0]?.n ?? 0);
    const rows = await client.query<{ file: number; line: string; column: string | null; reason: string; values: (string | null)[] }>(
      `SELECT * FROM ${this.name} r ${filter} ORDER BY file, line LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
    return {
      total,
      offset,
      limit,
      entries: rows.rows.map((r) => ({
        kind: 'rejected' as const,
        key: Object.fromEntries(r.values.map((v, i) => [String(i + 1), v])),
        columns: r.column ? [r.column] : [],
        versions: [],
        stored: null,
        reject: { file: pathOf(r.file), line: Number(r.line), column: r.column, reason: r.reason },
      })),
    };
  }
}
