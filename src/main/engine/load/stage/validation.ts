// The slow path for a batch the server refused: stage it as text, find every value that does not
// parse as its target type in one set-based query (pg_input_is_valid, PostgreSQL 16+, or a
// PL/pgSQL stand-in on older servers), and hand back a SELECT of the good rows, cast. Batches
// written straight into the target (append) also lose the rows whose values of a unique key are
// taken, by the table or by an earlier row of the batch.
import type { PoolClient } from 'pg';
import { quoteIdent } from '../../sql/identifiers.ts';
import type { UniqueKey } from '../../target/introspect.ts';
import { copyIn } from './copy.ts';
import {
  copyInSql,
  createTextTableSql,
  dropTableSql,
  goodRowsSql,
  INPUT_ERROR_FALLBACK_SQL,
  invalidValuesSql,
  SERVER_VERSION_SQL,
  takenValuesSql,
  textDataColumns,
  truncateTextTableSql,
  type TextTable,
} from './sql.ts';

// The staging columns are defined with the staging SQL; the merge and preview modules read them here.
export { LINE, ORD } from './sql.ts';

export interface StagedColumn {
  name: string;
  /** Target type with typmod, e.g. numeric(10,2). */
  type: string;
  /** NULL is refused (NOT NULL column, or part of the key). */
  required?: boolean;
  /** The target column's collation when not its type's default, so staged keys sort as the target's do. */
  collation?: string | null;
}

/** A row the server would not accept: where it came from, which column, why, and its values. */
export interface RowReject {
  line: number;
  column: string | null;
  reason: string;
  values: (string | null)[];
}

export interface ValidationSupport {
  /** pg_input_is_valid / pg_input_error_info exist (PostgreSQL 16+). */
  builtin: boolean;
}

/** PostgreSQL 16 added soft input validation; older servers get a PL/pgSQL stand-in per session. */
export async function validationSupport(client: PoolClient, forceFallback = false): Promise<ValidationSupport> {
  const version = Number((await client.query<{ v: string }>(SERVER_VERSION_SQL)).rows[0]?.v);
  return { builtin: version >= 160000 && !forceFallback };
}

/** A bad row of a text table: its position, its line when the batch carries it, why, and its values. */
interface FoundRow {
  pos: string;
  line: string | null;
  column: string;
  reason: string;
  values: (string | null)[];
}

export interface ValidatedBatch {
  rejects: RowReject[];
  /** SELECT of the accepted rows, cast to their types, in file order: ([#ord, #line,] columns...). */
  goodRows: string;
}

export class BatchValidator {
  private readonly table: TextTable;
  private created = false;
  private readonly client: PoolClient;
  private readonly support: ValidationSupport;

  /** The table the good rows go into and its unique keys to check (append); null for staging. */
  private readonly unique: { target: string; keys: UniqueKey[] } | null;

  /** `prefixed`: whether batches carry "#ord" and "#line" before the values. */
  constructor(client: PoolClient, id: string, columns: StagedColumn[], support: ValidationSupport, prefixed: boolean, unique: { target: string; keys: UniqueKey[] } | null = null) {
    this.client = client;
    this.support = support;
    this.unique = unique;
    this.table = { name: `pg_temp.${quoteIdent(`keyload_text_${id}`)}`, columns, prefixed };
  }

  /** `lines[i]` is the file line of the batch's i-th row, for batches without a prefix. */
  async validate(data: Uint8Array, lines: ArrayLike<number>): Promise<ValidatedBatch> {
    if (!this.created) {
      if (!this.support.builtin) await this.client.query(INPUT_ERROR_FALLBACK_SQL);
      await this.client.query(createTextTableSql(this.table));
      this.created = true;
    }
    await this.client.query(truncateTextTableSql(this.table));
    await copyIn(this.client, copyInSql(this.table.name, textDataColumns(this.table)), data);
    const found = await this.client.query<FoundRow>(invalidValuesSql(this.table, this.support));
    const bad = found.rows.map((r) => r.pos);
    for (const key of this.unique?.keys ?? []) {
      const taken = await this.takenValues(this.unique?.target ?? '', key, bad);
      found.rows.push(...taken);
      bad.push(...taken.map((r) => r.pos));
    }
    const rejects = found.rows.map((r) => ({
      line: r.line === null ? (lines[Number(r.pos) - 1] ?? 0) : Number(r.line),
      column: r.column,
      reason: r.reason,
      values: r.values,
    }));
    return { rejects, goodRows: goodRowsSql(this.table, bad) };
  }

  /** Rows (other than `bad` ones) whose values of `key` the target or an earlier row of the batch holds. */
  private async takenValues(target: string, key: UniqueKey, bad: string[]): Promise<FoundRow[]> {
    const result = await this.client.query<Omit<FoundRow, 'column' | 'reason'>>(takenValuesSql(this.table, target, key, bad));
    const reason = `would violate unique constraint ${key.name}`;
    return result.rows.map((r) => ({ ...r, column: key.columns.join(', '), reason }));
  }

  async drop(): Promise<void> {
    if (this.created) await this.client.query(dropTableSql(this.table.name));
    this.created = false;
  }
}
