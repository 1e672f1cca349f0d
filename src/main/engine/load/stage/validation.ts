// The slow path for a batch the server refused: stage it as text, find every value that does not
// parse as its target type in one set-based query (pg_input_is_valid, PostgreSQL 16+, or a
// PL/pgSQL stand-in on older servers), and hand back a SELECT of the good rows, cast. Batches
// written straight into the target (append) also lose the rows whose values of a unique key are
// taken, by the table or by an earlier row of the batch.
import type { PoolClient } from 'pg';
import { quoteIdent, quoteLiteral } from '../../sql/identifiers.ts';
import type { UniqueKey } from '../../target/introspect.ts';
import { copyIn } from './copy.ts';

export const ORD = '#ord';
export const LINE = '#line';
const POS = '#pos';

export interface StagedColumn {
  name: string;
  /** Target type with typmod, e.g. numeric(10,2). */
  type: string;
  /** NULL is refused (NOT NULL column, or part of the key). */
  required?: boolean;
}

export const NULL_REASON = 'null value in a NOT NULL column';

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
  const version = Number((await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]?.v);
  return { builtin: version >= 160000 && !forceFallback };
}

async function installFallback(client: PoolClient): Promise<void> {
  await client.query(`
    CREATE OR REPLACE FUNCTION pg_temp.keyload_input_error(val text, typ text) RETURNS text
    LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('SELECT %L::%s', val, typ);
      RETURN NULL;
    EXCEPTION WHEN others THEN
      RETURN SQLERRM;
    END $$`);
}

function inputError(value: string, type: string, support: ValidationSupport): string {
  return support.builtin
    ? `CASE WHEN pg_input_is_valid(${value}, ${type}) THEN NULL ELSE (pg_input_error_info(${value}, ${type})).message END`
    : `pg_temp.keyload_input_error(${value}, ${type})`;
}

export interface ValidatedBatch {
  rejects: RowReject[];
  /** SELECT of the accepted rows, cast to their types, in file order: ([#ord, #line,] columns...). */
  goodRows: string;
}

export class BatchValidator {
  private readonly table: string;
  private created = false;
  private readonly client: PoolClient;
  private readonly columns: StagedColumn[];
  private readonly support: ValidationSupport;
  /** Whether batches carry "#ord" and "#line" before the values. */
  private readonly prefixed: boolean;

  /** The table the good rows go into and its unique keys to check (append); null for staging. */
  private readonly unique: { target: string; keys: UniqueKey[] } | null;

  constructor(client: PoolClient, id: string, columns: StagedColumn[], support: ValidationSupport, prefixed: boolean, unique: { target: string; keys: UniqueKey[] } | null = null) {
    this.client = client;
    this.columns = columns;
    this.support = support;
    this.prefixed = prefixed;
    this.unique = unique;
    this.table = `pg_temp.${quoteIdent(`keyload_text_${id}`)}`;
  }

  private get dataColumns(): string[] {
    return [...(this.prefixed ? [ORD, LINE] : []), ...this.columns.map((c) => c.name)].map(quoteIdent);
  }

  /** `lines[i]` is the file line of the batch's i-th row, for batches without a prefix. */
  async validate(data: Uint8Array, lines: ArrayLike<number>): Promise<ValidatedBatch> {
    if (!this.created) {
      if (!this.support.builtin) await installFallback(this.client);
      const prefix = this.prefixed ? `, ${quoteIdent(ORD)} bigint, ${quoteIdent(LINE)} bigint` : '';
      const columns = this.columns.map((c) => `, ${quoteIdent(c.name)} text`).join('');
      await this.client.query(`CREATE TEMP TABLE ${this.table} (${quoteIdent(POS)} bigint GENERATED ALWAYS AS IDENTITY${prefix}${columns})`);
      this.created = true;
    }
    await this.client.query(`TRUNCATE ${this.table} RESTART IDENTITY`);
    await copyIn(this.client, `COPY ${this.table} (${this.dataColumns.join(', ')}) FROM STDIN`, data);
    const checks = this.columns
      .map((c, i) => `(${i}, ${quoteLiteral(c.name)}, s.${quoteIdent(c.name)}, ${quoteLiteral(c.type)}, ${c.required ? 'true' : 'false'})`)
      .join(', ');
    const values = this.columns.map((c) => `s.${quoteIdent(c.name)}`).join(', ');
    const found = await this.client.query<{ pos: string; line: string | null; column: string; reason: string; values: (string | null)[] }>(`
      SELECT DISTINCT ON (s.${quoteIdent(POS)}) s.${quoteIdent(POS)} AS pos, ${this.prefixed ? `s.${quoteIdent(LINE)}` : 'NULL'} AS line,
             v.col AS column, v.reason, to_json(ARRAY[${values}]::text[]) AS values
      FROM ${this.table} s
      CROSS JOIN LATERAL (
        SELECT v.pos, v.col,
               CASE WHEN v.val IS NULL THEN CASE WHEN v.required THEN ${quoteLiteral(NULL_REASON)} END
                    ELSE ${inputError('v.val', 'v.typ', this.support)} END AS reason
        FROM (VALUES ${checks}) AS v(pos, col, val, typ, required)
      ) v
      WHERE v.reason IS NOT NULL
      ORDER BY s.${quoteIdent(POS)}, v.pos`);
    const bad = found.rows.map((r) => r.pos);
    for (const key of this.unique?.keys ?? []) {
      const taken = await this.takenValues(this.unique?.target ?? '', key, bad);
      found.rows.push(...taken);
      bad.push(...taken.map((r) => r.pos));
    }
    const prefix = this.prefixed ? `s.${quoteIdent(ORD)}, s.${quoteIdent(LINE)}, ` : '';
    const casts = this.columns.map((c) => `s.${quoteIdent(c.name)}::${c.type}`).join(', ');
    const goodRows = `SELECT ${prefix}${casts} FROM ${this.table} s
      WHERE s.${quoteIdent(POS)} <> ALL (ARRAY[${bad.join(',')}]::bigint[]) ORDER BY s.${quoteIdent(POS)}`;
    const rejects = found.rows.map((r) => ({
      line: r.line === null ? (lines[Number(r.pos) - 1] ?? 0) : Number(r.line),
      column: r.column,
      reason: r.reason,
      values: r.values,
    }));
    return { rejects, goodRows };
  }

  /** Rows (other than `bad` ones) whose values of `key` the target or an earlier row of the batch holds. */
  private async takenValues(target: string, key: UniqueKey, bad: string[]): Promise<{ pos: string; line: string | null; column: string; reason: string; values: (string | null)[] }[]> {
    const types = new Map(this.columns.map((c) => [c.name, c.type]));
    const u = key.columns.map(quoteIdent);
    const cast = key.columns.map((c) => `s.${quoteIdent(c)}::${types.get(c) ?? 'text'} AS ${quoteIdent(c)}`).join(', ');
    const same = (alias: string) => `(${u.map((c) => `${alias}.${c}`).join(', ')}) = (${u.map((c) => `g.${c}`).join(', ')})`;
    const values = this.columns.map((c) => `s.${quoteIdent(c.name)}`).join(', ');
    const result = await this.client.query<{ pos: string; line: string | null; values: (string | null)[] }>(`
      WITH g AS MATERIALIZED (
        SELECT s.${quoteIdent(POS)} AS pos, ${cast} FROM ${this.table} s WHERE s.${quoteIdent(POS)} <> ALL (ARRAY[${bad.join(',')}]::bigint[])),
      ranked AS (SELECT g.*, row_number() OVER (PARTITION BY ${u.join(', ')} ORDER BY pos) AS n FROM g WHERE ${u.map((c) => `${c} IS NOT NULL`).join(' AND ')})
      SELECT g.pos, ${this.prefixed ? `s.${quoteIdent(LINE)}` : 'NULL'} AS line, to_json(ARRAY[${values}]::text[]) AS values
      FROM ranked g JOIN ${this.table} s ON s.${quoteIdent(POS)} = g.pos
      WHERE g.n > 1 OR EXISTS (SELECT 1 FROM ${target} t WHERE ${same('t')})
      ORDER BY g.pos`);
    const reason = `would violate unique constraint ${key.name}`;
    return result.rows.map((r) => ({ ...r, column: key.columns.join(', '), reason }));
  }

  async drop(): Promise<void> {
    if (this.created) await this.client.query(`DROP TABLE IF EXISTS ${this.table}`);
    this.created = false;
  }
}
