// The SQL of staging: the hash-partitioned staging tables, the text tables that validate a refused
// batch, and the set-based checks that move bad rows out of staging into the rejects. Builders
// return SQL text; identifiers go through quoteIdent, values stay $n parameters or COPY data.
import { quoteIdent, quoteLiteral } from '../../sql/identifiers.ts';
import type { UniqueKey } from '../../target/introspect.ts';
import type { StageTable } from './stage.ts';
import type { KeyBounds } from './unit-layout.ts';
import type { StagedColumn, ValidationSupport } from './validation.ts';

/** Columns every staged row carries before its values: its ordinal in the file, its file line. */
export const ORD = '#ord';
export const LINE = '#line';
/** A text table's row position, the order a batch's rows arrived in. */
export const POS = '#pos';

export const NULL_REASON = 'null value in a NOT NULL column';

/** Quoted names, comma-separated, each after `prefix` (an alias and a dot). */
export const list = (names: string[], prefix = '') => names.map((n) => `${prefix}${quoteIdent(n)}`).join(', ');

const row = (alias: string, columns: string[]) => `(${list(columns, `${alias}.`)})`;

export function dropTableSql(...tables: string[]): string {
  return `DROP TABLE IF EXISTS ${tables.join(', ')}`;
}

/**
 * The staging table: "#ord", "#line" and the columns typed (and collated) as in the target. With a
 * key it is partitioned on it, one partition per merge unit (unit-layout.ts), in statements sent
 * together: by key range when `bounds` are given, else by hash. Range partitions take no NULL key,
 * so a DEFAULT partition, no unit, holds the rows that staging then rejects for it; it must be no
 * unit's, because the server checks every row routed to it against all the other partitions'
 * bounds (with the last unit as the DEFAULT one, staging 10M rows took 2.3× as long). A
 * partitioned table has no storage of its own, so only its partitions can be UNLOGGED.
 */
export function createStageTableSql(table: StageTable, columns: StagedColumn[], key: string[] | null, bounds: KeyBounds | null = null): string {
  // Collations come quoted from the catalog (introspect.ts).
  const typed = (c: StagedColumn) => `${quoteIdent(c.name)} ${c.type}${c.collation ? ` COLLATE ${c.collation}` : ''}`;
  const definition = [`${quoteIdent(ORD)} bigint NOT NULL`, `${quoteIdent(LINE)} bigint NOT NULL`, ...columns.map(typed)];
  if (!key || table.partitions.length === 0) return `CREATE UNLOGGED TABLE ${table.parent} (${definition.join(', ')})`;
  const modulus = table.partitions.length;
  // Partition bounds are DDL, which takes no parameters: the texts are the server's own output of
  // the target's keys (keyBoundsSql), escaped as literals.
  const bound = (b: string[] | undefined, end: string) => `(${b ? b.map(quoteLiteral).join(', ') : key.map(() => end).join(', ')})`;
  const range = (i: number) => `FOR VALUES FROM ${bound(bounds?.[i - 1], 'MINVALUE')} TO ${bound(bounds?.[i], 'MAXVALUE')}`;
  const hash = (i: number) => `FOR VALUES WITH (MODULUS ${modulus}, REMAINDER ${i})`;
  return [
    `CREATE TABLE ${table.parent} (${definition.join(', ')}) PARTITION BY ${bounds ? 'RANGE' : 'HASH'} (${list(key)})`,
    ...table.partitions.map((p, i) => `CREATE UNLOGGED TABLE ${p} PARTITION OF ${table.parent} ${bounds ? range(i) : hash(i)}`),
    ...(bounds ? [`CREATE UNLOGGED TABLE ${table.nullKeys} PARTITION OF ${table.parent} DEFAULT`] : []),
  ].join(';\n');
}

/** $1 = a table: its pages, over its partitions when it has them. */
export const TABLE_PAGES_SQL = `SELECT COALESCE((SELECT sum(pg_relation_size(p.relid)) FROM pg_partition_tree($1::regclass) p WHERE p.isleaf),
    pg_relation_size($1::regclass)) / current_setting('block_size')::bigint AS pages`;

/**
 * $1 = units, $2 = percent of the table's pages to sample: the lowest key of every unit after the
 * first (as text per key column, "lower"), in key order. The units are tiles of about equal size
 * of the sampled keys, ordered as the target's own key columns (and their collations) order them.
 * The sample is repeatable: the same table gives the same units.
 */
export function keyBoundsSql(target: string, key: string[]): string {
  const sampled = key.map((k, i) => `${quoteIdent(k)} AS "#k${i}"`).join(', ');
  const keys = key.map((_, i) => `"#k${i}"`).join(', ');
  return `SELECT ARRAY[${key.map((_, i) => `"#k${i}"::text`).join(', ')}] AS lower FROM (
      SELECT DISTINCT ON (tile) tile, ${keys} FROM (
        SELECT ${sampled}, ntile($1::int) OVER (ORDER BY ${list(key)}) AS tile
        FROM ${target} TABLESAMPLE SYSTEM ($2) REPEATABLE (0) WHERE ${key.map((k) => `${quoteIdent(k)} IS NOT NULL`).join(' AND ')}) s
      ORDER BY tile, ${keys}) b
    WHERE tile > 1 ORDER BY tile`;
}

/**
 * Numbers the rows a COPY sends without "#ord" and "#line" (staging's pass-through): a sequence per
 * column, each one step per row in COPY's order, owned by its column so it goes with the table.
 * Lines follow ordinals from `firstLine` on because the pass-through takes one line per record;
 * the cache keeps nextval off shared memory (one session numbers the whole file, in order).
 */
export function rowNumberingSql(table: StageTable, firstLine: number): string {
  const numbered = [
    { column: ORD, sequence: table.sequences.ord, start: 0 },
    { column: LINE, sequence: table.sequences.line, start: firstLine },
  ];
  return [
    ...numbered.map((n) => `CREATE SEQUENCE ${n.sequence} MINVALUE 0 START ${n.start} CACHE 10000 OWNED BY ${table.parent}.${quoteIdent(n.column)}`),
    `ALTER TABLE ${table.parent} ${numbered.map((n) => `ALTER COLUMN ${quoteIdent(n.column)} SET DEFAULT nextval(${quoteLiteral(n.sequence)}::regclass)`).join(', ')}`,
  ].join(';\n');
}

/** COPY into `table`, into `columns` when given (else every column, in order). */
export function copyInSql(table: string, columns?: string[]): string {
  return `COPY ${table}${columns ? ` (${list(columns)})` : ''} FROM STDIN`;
}

/** Writes the rows of a SELECT (a validated batch's good rows) into `table`. */
export function insertSelectSql(table: string, select: string, columns?: string[]): string {
  return `INSERT INTO ${table}${columns ? ` (${list(columns)})` : ''} ${select}`;
}

/** A staged row's values as a JSON array of text, for the rejects file. */
export function stagedValuesJson(alias: string, columns: StagedColumn[]): string {
  return `to_json(ARRAY[${columns.map((c) => `${alias}.${quoteIdent(c.name)}::text`).join(', ')}]::text[])`;
}

/** A required column of a staged file, and the reason given when a row leaves it NULL. */
export interface RequiredColumn {
  column: string;
  reason: string;
}

/** Deletes the staged rows with a NULL in a required column; returns line, column, reason, values. */
export function rejectNullsSql(parent: string, columns: StagedColumn[], required: RequiredColumn[]): string {
  const isNull = (c: string) => `s.${quoteIdent(c)} IS NULL`;
  const caseOf = (pick: (r: RequiredColumn) => string) => `CASE ${required.map((r) => `WHEN ${isNull(r.column)} THEN ${quoteLiteral(pick(r))}`).join(' ')} END`;
  return `DELETE FROM ${parent} s WHERE ${required.map((r) => isNull(r.column)).join(' OR ')}
    RETURNING s.${quoteIdent(LINE)} AS line, ${caseOf((r) => r.column)} AS column, ${caseOf((r) => r.reason)} AS reason,
              ${stagedValuesJson('s', columns)} AS values`;
}

/** The server's version as a number, in v (160000 for 16.0). */
export const SERVER_VERSION_SQL = `SELECT current_setting('server_version_num') AS v`;

/** A session's stand-in for pg_input_error_info on servers before 16: the error text, or NULL. */
export const INPUT_ERROR_FALLBACK_SQL = `
    CREATE OR REPLACE FUNCTION pg_temp.keyload_input_error(val text, typ text) RETURNS text
    LANGUAGE plpgsql AS $$
    BEGIN
      EXECUTE format('SELECT %L::%s', val, typ);
      RETURN NULL;
    EXCEPTION WHEN others THEN
      RETURN SQLERRM;
    END $$`;

/** Why `value` does not parse as `type` (both SQL expressions), or NULL when it does. */
export function inputErrorSql(value: string, type: string, support: ValidationSupport): string {
  return support.builtin
    ? `CASE WHEN pg_input_is_valid(${value}, ${type}) THEN NULL ELSE (pg_input_error_info(${value}, ${type})).message END`
    : `pg_temp.keyload_input_error(${value}, ${type})`;
}

/** The shape of a validation text table: every value as text, optionally after "#ord" and "#line". */
export interface TextTable {
  /** Qualified name, e.g. pg_temp."keyload_text_1_0". */
  name: string;
  columns: StagedColumn[];
  /** Whether rows carry "#ord" and "#line" before the values. */
  prefixed: boolean;
}

/** The columns a batch's COPY data fills, in order. */
export function textDataColumns(table: TextTable): string[] {
  return [...(table.prefixed ? [ORD, LINE] : []), ...table.columns.map((c) => c.name)];
}

export function createTextTableSql(table: TextTable): string {
  const prefix = table.prefixed ? `, ${quoteIdent(ORD)} bigint, ${quoteIdent(LINE)} bigint` : '';
  const columns = table.columns.map((c) => `, ${quoteIdent(c.name)} text`).join('');
  return `CREATE TEMP TABLE ${table.name} (${quoteIdent(POS)} bigint GENERATED ALWAYS AS IDENTITY${prefix}${columns})`;
}

export function truncateTextTableSql(table: TextTable): string {
  return `TRUNCATE ${table.name} RESTART IDENTITY`;
}

const lineOf = (table: TextTable) => (table.prefixed ? `s.${quoteIdent(LINE)}` : 'NULL');
const textValuesJson = (table: TextTable) => `to_json(ARRAY[${list(table.columns.map((c) => c.name), 's.')}]::text[])`;
/** `bad` are positions the server returned, so they are numbers. */
const notAmong = (bad: string[]) => `s.${quoteIdent(POS)} <> ALL (ARRAY[${bad.join(',')}]::bigint[])`;

/** Per bad row (its first bad column): pos, line (NULL without prefix), column, reason, values. */
export function invalidValuesSql(table: TextTable, support: ValidationSupport): string {
  const checks = table.columns
    .map((c, i) => `(${i}, ${quoteLiteral(c.name)}, s.${quoteIdent(c.name)}, ${quoteLiteral(c.type)}, ${c.required ? 'true' : 'false'})`)
    .join(', ');
  return `
      SELECT DISTINCT ON (s.${quoteIdent(POS)}) s.${quoteIdent(POS)} AS pos, ${lineOf(table)} AS line,
             v.col AS column, v.reason, ${textValuesJson(table)} AS values
      FROM ${table.name} s
      CROSS JOIN LATERAL (
        SELECT v.pos, v.col,
               CASE WHEN v.val IS NULL THEN CASE WHEN v.required THEN ${quoteLiteral(NULL_REASON)} END
                    ELSE ${inputErrorSql('v.val', 'v.typ', support)} END AS reason
        FROM (VALUES ${checks}) AS v(pos, col, val, typ, required)
      ) v
      WHERE v.reason IS NOT NULL
      ORDER BY s.${quoteIdent(POS)}, v.pos`;
}

/** SELECT of the rows not at a `bad` position, cast to their types, in arrival order. */
export function goodRowsSql(table: TextTable, bad: string[]): string {
  const prefix = table.prefixed ? `s.${quoteIdent(ORD)}, s.${quoteIdent(LINE)}, ` : '';
  const casts = table.columns.map((c) => `s.${quoteIdent(c.name)}::${c.type}`).join(', ');
  return `SELECT ${prefix}${casts} FROM ${table.name} s
      WHERE ${notAmong(bad)} ORDER BY s.${quoteIdent(POS)}`;
}

/**
 * Rows (other than `bad` ones) whose values of `key` the `target` table or an earlier row of the
 * batch holds: pos, line, values.
 */
export function takenValuesSql(table: TextTable, target: string, key: UniqueKey, bad: string[]): string {
  const types = new Map(table.columns.map((c) => [c.name, c.type]));
  const u = key.columns.map(quoteIdent);
  const cast = key.columns.map((c) => `s.${quoteIdent(c)}::${types.get(c) ?? 'text'} AS ${quoteIdent(c)}`).join(', ');
  const same = (alias: string) => `(${u.map((c) => `${alias}.${c}`).join(', ')}) = (${u.map((c) => `g.${c}`).join(', ')})`;
  return `
      WITH g AS MATERIALIZED (
        SELECT s.${quoteIdent(POS)} AS pos, ${cast} FROM ${table.name} s WHERE ${notAmong(bad)}),
      ranked AS (SELECT g.*, row_number() OVER (PARTITION BY ${u.join(', ')} ORDER BY pos) AS n FROM g WHERE ${u.map((c) => `${c} IS NOT NULL`).join(' AND ')})
      SELECT g.pos, ${lineOf(table)} AS line, ${textValuesJson(table)} AS values
      FROM ranked g JOIN ${table.name} s ON s.${quoteIdent(POS)} = g.pos
      WHERE g.n > 1 OR EXISTS (SELECT 1 FROM ${target} t WHERE ${same('t')})
      ORDER BY g.pos`;
}

/** The table of values a run's files have taken so far, for one secondary unique key. */
export function createTakenTableSql(taken: string, columns: { name: string; type: string }[], unique: string[]): string {
  const definition = columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
  return `DROP TABLE IF EXISTS ${taken}; CREATE UNLOGGED TABLE ${taken} (${definition}); CREATE INDEX ON ${taken} (${list(unique)})`;
}

/** What a file's secondary unique key check compares with. */
export interface UniqueCheck {
  /** The staging table (its parent). */
  source: string;
  columns: StagedColumn[];
  /** The file's key; empty when there is none (then every row stands alone, by "#ord"). */
  key: string[];
  /** SELECT of the file's surviving rows (one per key); null when there is no key: every row. */
  survivors: string | null;
  /** Ignore mode: the target, whose stored keys write nothing, so their rows take no values. */
  ignoredIn: string | null;
  /** The secondary unique key's columns. */
  unique: string[];
  /** The table of values taken so far (with takenColumns(check) in it). */
  taken: string;
  /** The target, when stored rows count as holders too (not for replace). */
  stored: string | null;
}

/** What the table of taken values records: the holder's key (when there is one) and its values. */
export function takenColumns(check: Pick<UniqueCheck, 'key' | 'unique'>): string[] {
  return [...check.key, ...check.unique];
}

/**
 * One statement: rows whose values are held outside the file, then (among the rest; survivors hold
 * one row per key) rows an earlier survivor of the file holds, are deleted from staging with every
 * row of their key; the rest record their values. Returns per deleted row whether it was the
 * survivor, its line and values.
 */
export function uniqueCheckSql(check: UniqueCheck): string {
  const { unique: u, taken } = check;
  const keyed = check.key.length > 0;
  const key = keyed ? check.key : [ORD];
  const recorded = takenColumns(check);
  const keyAndOrd = list(keyed ? [...key, ORD] : [ORD]);
  const sameKey = (a: string, b: string) => `${row(a, key)} = ${row(b, key)}`;
  const otherKey = (alias: string) => (keyed ? `${row(alias, key)} IS DISTINCT FROM ${row('w', key)}` : 'true');
  const written = check.ignoredIn ? ` WHERE NOT EXISTS (SELECT 1 FROM ${check.ignoredIn} t WHERE ${row('t', key)} = ${row('s', key)})` : '';
  const survivors = `w AS MATERIALIZED (SELECT * FROM (${check.survivors ?? `SELECT * FROM ${check.source}`}) s${written})`;
  const outside = [
    `EXISTS (SELECT 1 FROM ${taken} e WHERE ${row('e', u)} = ${row('w', u)} AND ${otherKey('e')})`,
    ...(check.stored ? [`EXISTS (SELECT 1 FROM ${check.stored} t WHERE ${row('t', u)} = ${row('w', u)} AND ${otherKey('t')})`] : []),
  ].join(' OR ');
  const notNull = u.map((c) => `w.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  return `
        WITH ${survivors},
          outside AS (SELECT ${list(keyed ? [...key, ORD] : [ORD], 'w.')} FROM w WHERE ${outside}),
          ranked AS (SELECT ${list(keyed ? [...key, ORD] : [ORD], 'w.')}, row_number() OVER (PARTITION BY ${list(u, 'w.')} ORDER BY w.${quoteIdent(ORD)}) AS n
                     FROM w WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM outside o WHERE ${sameKey('o', 'w')})),
          bad AS (SELECT * FROM outside UNION ALL SELECT ${keyAndOrd} FROM ranked WHERE n > 1),
          kept AS (INSERT INTO ${taken} (${list(recorded)}) SELECT ${list(recorded, 'w.')} FROM w WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM bad b WHERE ${sameKey('b', 'w')}))
        DELETE FROM ${check.source} s USING bad b WHERE ${sameKey('s', 'b')}
        RETURNING s.${quoteIdent(ORD)} = b.${quoteIdent(ORD)} AS survivor, s.${quoteIdent(LINE)} AS line, ${stagedValuesJson('s', check.columns)} AS values`;
}
