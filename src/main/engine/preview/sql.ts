// The SQL of a conflict preview's analysis, done once per session over the staged files (the same
// staging a load does) into session temp tables, so no key is ever held in JavaScript memory:
//   pv_dups   keys occurring more than once in a file
//   pv_rows   each file's surviving row per key under every policy at once (`mask`: the policies it
//             survives under), compared with the stored row as the load compares it
//   pv_keys   per key: the files holding it, and the ones a version policy lets own it
//   pv_cross  per policy: keys whose survivors differ between files, with the columns that differ
// None of these depend on the file order, and re-ranking (ranking-sql.ts) only reads them. They are
// unlogged tables of the preview's run in the manifest schema, named like its staging tables (so a
// dead preview's go with its staging), not temp tables: the server's parallel workers cannot scan
// temp tables, and the analysis is mostly scans, joins and sorts. The page statement at the end
// gathers a page of conflicting keys with all their versions.
import type { ConflictPolicy } from '../../../shared/load-types.ts';
import type { ConflictKind } from '../../../shared/preview-types.ts';
import { quoteIdent, quoteLiteral } from '../sql/identifiers.ts';
import { sameColumns } from '../load/merge/contested-keys.ts';
import { list, survivorOrder } from '../load/merge/sql.ts';
import { LINE, ORD } from '../load/stage/validation.ts';

export interface StagedSource {
  /** Index of the file in the plan (its staging rank). */
  file: number;
  /** The staged rows: the staging parent table, or in an analysis job its partitions (analysis.ts). */
  table: string;
  /** The staging table's hash partitions, by remainder. */
  partitions: string[];
  /** Table columns the file provides, key included. */
  columns: string[];
}

/** The analysis tables, qualified. */
export interface AnalysisTables {
  dups: string;
  rows: string;
  keys: string;
  cross: string;
  groups: string;
}

/** The analysis tables of a run, or with `part` the names of their partitions (analysis.ts). */
export function analysisTables(schema: string, runTag: string, part?: number): AnalysisTables {
  const name = (table: string) => `${quoteIdent(schema)}.${quoteIdent(`s_${runTag}_pv_${table}${part === undefined ? '' : `_${part}`}`)}`;
  return { dups: name('dups'), rows: name('rows'), keys: name('keys'), cross: name('cross'), groups: name('groups') };
}

export interface PreviewShape {
  key: string[];
  tables: AnalysisTables;
  sources: StagedSource[];
  /** Every column some file provides, key excluded. */
  valueColumns: string[];
  /** Each value column's type (format_type), for the files without it. */
  types: Record<string, string>;
  versionColumn: string | null;
  /** Columns whose type has no equality operator (json, xml, ...): compared as text, as the load does. */
  incomparable: string[];
  /** The target table, or null when --create-table would create it (no stored rows). */
  target: string | null;
}

/**
 * Which survivor of a file's duplicate keys a policy keeps: 0 the last row (last, error), 1 the
 * first, 2 the highest version. A row of pv_rows survives under variant v when bit 1 << v of its mask is set.
 */
export type Variant = 0 | 1 | 2;
const VARIANT_OF: Record<ConflictPolicy, Variant> = { last: 0, error: 0, first: 1, version: 2 };
export const variantOf = (policy: ConflictPolicy): Variant => VARIANT_OF[policy];
export const survivesIn = (alias: string, variant: Variant) => `${alias}.mask & ${1 << variant} <> 0`;
/** The variants a session can rank under: version only with a version column. */
export const variantsOf = (shape: PreviewShape): Variant[] => (shape.versionColumn ? [0, 1, 2] : [0, 1]);

export const jsonOf = (alias: string, columns: string[], column = quoteIdent) => `jsonb_build_object(${columns.map((c) => `${quoteLiteral(c)}, ${alias}.${column(c)}`).join(', ')})`;
/** A value column of pv_rows: typed, named apart from the key and the analysis' own columns. */
const valueColumn = (c: string) => quoteIdent(`#${c}`);

/**
 * A pv_rows row's values as the file gave them, as jsonb: its columns only (a file without a column
 * leaves it as it is). Built where the re-ranking and pages need it, not stored: building it for
 * every staged row cost more than the rest of pv_rows (about 3 µs a row).
 */
export function rowValuesSql(shape: PreviewShape, alias: string): string {
  const of = (s: StagedSource) => jsonOf(alias, nonKey(shape, s.columns), valueColumn);
  const [first] = shape.sources;
  if (!first) return `'{}'::jsonb`;
  if (sameColumns(shape.sources.map((s) => s.columns))) return of(first);
  return `CASE ${alias}.file ${shape.sources.map((s) => `WHEN ${s.file} THEN ${of(s)}`).join(' ')} END`;
}
export const keyMatch = (a: string, b: string, key: string[]) => key.map((k) => `${a}.${quoteIdent(k)} = ${b}.${quoteIdent(k)}`).join(' AND ');
const nonKey = (shape: PreviewShape, columns: string[]) => columns.filter((c) => !shape.key.includes(c));

/** An index on the key, so per-key lookups and joins on `table` do not scan it. */
export function keyIndexSql(table: string, key: string[], { unique = false } = {}): string {
  return `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ON ${table} (${list(key)})`;
}

/** Duplicate keys within each file. */
export function duplicatesSelect(shape: PreviewShape): string {
  const k = list(shape.key);
  return shape.sources.map((s) => `SELECT ${s.file} AS file, ${k}, count(*) AS n FROM ${s.table} s GROUP BY ${k} HAVING count(*) > 1`).join(' UNION ALL ');
}

/**
 * One file's survivors: a key the file holds once survives under every policy (mask 7); of a
 * duplicated key, the rows each policy keeps, with the policies in the mask. The values are typed
 * columns "#<column>" (NULL where the file has no such column).
 */
function fileSurvivorsSelect(shape: PreviewShape, source: StagedSource): string {
  const dup = `SELECT 1 FROM ${shape.tables.dups} d WHERE d.file = ${source.file} AND ${keyMatch('d', 's', shape.key)}`;
  const byKey = `PARTITION BY ${list(shape.key)}`;
  const keeps = (policy: ConflictPolicy, bit: number) => `CASE WHEN row_number() OVER (${byKey} ORDER BY ${survivorOrder({ policy, versionColumn: shape.versionColumn ?? undefined })}) = 1 THEN ${bit} ELSE 0 END`;
  const mask = [keeps('last', 1), keeps('first', 2), shape.versionColumn ? keeps('version', 4) : '0'].join(' | ');
  const values = nonKey(shape, source.columns);
  const typed = shape.valueColumns.map((c) => `${values.includes(c) ? `s.${quoteIdent(c)}` : `NULL::${shape.types[c]}`} AS ${valueColumn(c)}`);
  // "#mask" next to the staged columns, which are the table's own names plus "#ord" and "#line".
  return `SELECT ${source.file} AS file, s.${quoteIdent(ORD)} AS ord, s.${quoteIdent(LINE)} AS line, ${list(shape.key, 's.')}, ${typed.join(', ')}, s."#mask" AS mask
    FROM (SELECT s.*, 7 AS "#mask" FROM ${source.table} s WHERE NOT EXISTS (${dup})
          UNION ALL
          SELECT * FROM (SELECT s.*, ${mask} AS "#mask" FROM ${source.table} s WHERE EXISTS (${dup})) m WHERE m."#mask" <> 0) s`;
}

/**
 * pv_rows: every file's survivors under every policy, each compared with the stored row as the load
 * compares it. in_table: the table has the key; diff: the columns the row would change (only those
 * its file has), typed, as text where the type has no equality; kept: a version policy keeps the
 * stored row, which is as new or newer. The stored rows are joined once for all files: joined per
 * file, the server hashed the whole table once per file.
 */
export function rowsSelect(shape: PreviewShape): string {
  const version = (alias: string, column = quoteIdent) => (shape.versionColumn ? `${alias}.${column(shape.versionColumn)}` : 'NULL::int');
  const comparable = (c: string, value: string) => `${value}${shape.incomparable.includes(c) ? '::text' : ''}`;
  const differing = shape.valueColumns.map((c) => {
    const differs = `${comparable(c, `t.${quoteIdent(c)}`)} IS DISTINCT FROM ${comparable(c, `s.${valueColumn(c)}`)}`;
    const providers = providerFiles(shape, c);
    return `CASE WHEN ${providers ? `s.file IN (${providers}) AND ` : ''}${differs} THEN ${quoteLiteral(c)} END`;
  });
  const found = shape.target ? `t.${quoteIdent(shape.key[0] as string)} IS NOT NULL` : 'false';
  return `SELECT s.*, ${version('s', valueColumn)} AS ver, ${found} AS in_table,
      CASE WHEN ${found} THEN array_remove(ARRAY[${differing.join(', ') || 'NULL'}]::text[], NULL) ELSE '{}' END AS diff,
      ${shape.target ? `${version('t')} IS NOT NULL AND NOT COALESCE(${version('s', valueColumn)} > ${version('t')}, false)` : 'false'} AS kept
    FROM (${shape.sources.map((source) => fileSurvivorsSelect(shape, source)).join(' UNION ALL ')}) s
    ${shape.target ? `LEFT JOIN ${shape.target} t ON ${keyMatch('t', 's', shape.key)}` : ''}`;
}

/** The files having column `c`, as a SQL list; null when every file has it. */
function providerFiles(shape: PreviewShape, c: string): string | null {
  const providers = shape.sources.filter((s) => s.columns.includes(c));
  return providers.length === shape.sources.length ? null : providers.map((s) => s.file).join(', ');
}

/**
 * pv_keys: per key, the files holding it (holders), whether the table has it, and for the version
 * policy the holders whose version is the highest (vtops; all holders when no row has a version).
 */
export function keysSelect(shape: PreviewShape): string {
  const k = list(shape.key);
  const holders = 'array_agg(DISTINCT file ORDER BY file)';
  if (!shape.versionColumn) {
    return `SELECT ${k}, ${holders} AS holders, bool_or(in_table) AS in_table, NULL::int AS top_ver, ${holders} AS vtops FROM ${shape.tables.rows} r GROUP BY ${k}`;
  }
  // A file has one version survivor per key: its row whose version is the key's top is a top holder.
  const versioned = survivesIn('r', 2);
  return `SELECT ${k}, holders, in_table, top_ver, CASE WHEN top_ver IS NULL OR cardinality(holders) = 1 THEN holders ELSE tops END AS vtops
    FROM (SELECT ${k}, ${holders} AS holders, bool_or(in_table) AS in_table, max(top) AS top_ver,
                 array_agg(file ORDER BY file) FILTER (WHERE ${versioned} AND ver = top) AS tops
          FROM (SELECT r.*, max(r.ver) FILTER (WHERE ${versioned}) OVER (PARTITION BY ${list(shape.key, 'r.')}) AS top FROM ${shape.tables.rows} r) r
          GROUP BY ${k}) k`;
}

/**
 * For a statement over pv_rows r that needs every variant: each row once per variant it survives
 * under, as v.variant, so pv_rows is scanned and joined once rather than once per variant.
 */
export const eachVariantSql = (shape: PreviewShape) => `CROSS JOIN unnest(ARRAY[${variantsOf(shape).join(', ')}]::int[]) v(variant)`;
export const survivesInEach = (alias: string) => `${alias}.mask & (1 << v.variant) <> 0`;
/** An expression that differs per variant, in a statement using eachVariantSql. */
export const byVariant = (shape: PreviewShape, sql: (variant: Variant) => string) => `CASE v.variant ${variantsOf(shape).map((x) => `WHEN ${x} THEN ${sql(x)}`).join(' ')} END`;

/**
 * pv_cross: per variant, the keys whose survivors differ between files, with the columns that
 * differ: among the files with the column, two distinct values, NULL counting as one.
 */
export function crossSelect(shape: PreviewShape): string {
  const differs = shape.valueColumns.map((c) => {
    const providers = providerFiles(shape, c);
    const among = providers ? ` FILTER (WHERE r.file IN (${providers}))` : '';
    const value = `r.${valueColumn(c)}${shape.incomparable.includes(c) ? '::text' : ''}`;
    return `CASE WHEN count(DISTINCT ${value})${among} + (bool_or(${value} IS NULL)${among})::int > 1 THEN ${quoteLiteral(c)} END`;
  });
  const columns = `array_remove(ARRAY[${differs.join(', ') || 'NULL'}]::text[], NULL) AS columns`;
  const shared = `FROM ${shape.tables.rows} r JOIN ${shape.tables.keys} k ON ${keyMatch('k', 'r', shape.key)} AND cardinality(k.holders) > 1`;
  const duplicated = `EXISTS (SELECT 1 FROM ${shape.tables.dups} d WHERE ${keyMatch('d', 'r', shape.key)})`;
  const key = list(shape.key, 'r.');
  // A key no file holds twice has the same survivors under every policy: compared once, listed under each.
  return `SELECT * FROM (
      SELECT v.variant, c.* FROM (SELECT ${key}, ${columns} ${shared} WHERE NOT ${duplicated} GROUP BY ${key}) c ${eachVariantSql(shape)}
      UNION ALL
      SELECT v.variant, ${key}, ${columns} ${shared} ${eachVariantSql(shape)} WHERE ${duplicated} AND ${survivesInEach('r')} GROUP BY v.variant, ${key}) c
    WHERE cardinality(columns) > 0`;
}

/** The analysis tables the pages and re-ranking join on the key. */
export const STATISTICS_TABLES = ['rows', 'keys', 'cross'] as const;
type StatisticsTable = (typeof STATISTICS_TABLES)[number];

/** The columns those joins and filters use (for cross, the variant too). */
const joinColumns = (shape: PreviewShape, table: StatisticsTable) => (table === 'cross' ? ['variant', ...shape.key] : shape.key);

/**
 * The planner's statistics of `table`: of its join columns only, which is what its plans depend on
 * (the other columns are arrays and values only read, and sampling them cost most of ANALYZE).
 */
export function analyzeSql(shape: PreviewShape, table: StatisticsTable): string {
  return `ANALYZE ${shape.tables[table]} (${list(joinColumns(shape, table))})`;
}

/** Indexes the analysis for the per-key joins of pages and re-ranking, and gives the planner statistics. */
export function indexAnalysisSql(shape: PreviewShape, table: StatisticsTable): string {
  return `${keyIndexSql(shape.tables[table], joinColumns(shape, table))}; ${analyzeSql(shape, table)}`;
}

/**
 * The summary's counts over the analysis, whatever the order and policy. Most come from pv_groups,
 * a few rows per combination of files, rather than from the per-key tables: under variant 0 each
 * file holding a key has exactly one survivor of it, and its tops are the key's holders, so a
 * combination's keys are its survivors over its file count.
 */
export function analysisCountsSql(t: AnalysisTables) {
  const keysByHolders = (where = '') => `SELECT tops AS holders, sum(n) / cardinality(tops) AS n FROM ${t.groups} WHERE variant = 0${where} GROUP BY tops`;
  return {
    /** overlap[a][b] for a <= b: keys present in both files (a = b: the file's distinct keys). */
    overlap: `SELECT a, b, sum(h.n)::bigint AS n FROM (${keysByHolders()}) h, unnest(h.holders) a, unnest(h.holders) b WHERE a <= b GROUP BY 1, 2`,
    /** Per file: how many keys survive (the rest of its staged rows collapsed into them). */
    survivors: `SELECT file, sum(n)::bigint AS n FROM ${t.groups} WHERE variant = 0 GROUP BY 1`,
    /** Per file: how many keys occur more than once. */
    duplicates: `SELECT file, count(*) AS n FROM ${t.dups} GROUP BY 1`,
    /** Per variant and column: how many keys differ between files in it (keys grouped by their columns first: few combinations). */
    crossColumns: `SELECT variant, c AS column, sum(x.n)::bigint AS keys FROM (SELECT variant, columns, count(*) AS n FROM ${t.cross} GROUP BY 1, 2) x, unnest(x.columns) c GROUP BY 1, 2 ORDER BY 2`,
    /** Per variant: how many keys differ between files. */
    crossKeys: `SELECT variant, count(*) AS n FROM ${t.cross} GROUP BY 1`,
    /** Keys already in the table: their survivors are not inserts. */
    existingKeys: `SELECT COALESCE(sum(n), 0)::bigint AS n FROM (${keysByHolders(` AND outcome <> 'insert'`)}) h`,
  };
}

export type ConflictKeyKind = Exclude<ConflictKind, 'rejected'>;

/** The kinds a conflicting key is listed under, by priority: a key appears once, under the first it has. */
export const CONFLICT_KEY_KINDS: readonly ConflictKeyKind[] = ['cross-file', 'duplicate', 'target'];

export interface ConflictFilter {
  kinds: readonly ConflictKeyKind[];
  /** Substring of the key as text, case-insensitive. */
  key?: string;
  /** Plan indexes of files the key must be in (each of them). */
  files?: number[];
  /** A column the key's values differ in, between files or between the table and a file. */
  column?: string;
}

/**
 * What a page needs of the current ranking, as SQL over the analysis ($1 = the staged files' plan
 * indexes in load order): the keys whose winner changes or is refused by the table, and per key of
 * a relation, the row whose values end up in the table (none when the stored row stays).
 */
export interface PageRanking {
  variant: Variant;
  /** Rows (key columns, kind = 'target'). */
  targetKeysSql: string;
  /** Rows (key columns as `keys`' with prefix p., file, ord, v) for the keys of the relation `keys` aliased p. */
  winnersSql(keys: string): string;
}

function conflictKeysSql(shape: PreviewShape, kind: ConflictKeyKind, ranking: PageRanking): string {
  const k = list(shape.key);
  if (kind === 'duplicate') return `SELECT DISTINCT ${k}, 'duplicate' AS kind FROM ${shape.tables.dups}`;
  if (kind === 'cross-file') return `SELECT ${k}, 'cross-file' AS kind FROM ${shape.tables.cross} WHERE variant = ${ranking.variant}`;
  return ranking.targetKeysSql;
}

/** The conflicting keys that pass the filter (alias c), one row per key with its kind. Pushes its parameters onto `params`. */
function candidatesSql(shape: PreviewShape, filter: ConflictFilter, ranking: PageRanking, params: unknown[]): string {
  const k = list(shape.key);
  const where: string[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.key !== undefined) {
    where.push(`concat_ws(', ', ${shape.key.map((c) => `c.${quoteIdent(c)}::text`).join(', ')}) ILIKE ${param(`%${filter.key}%`)}`);
  }
  for (const file of filter.files ?? []) {
    where.push(`EXISTS (SELECT 1 FROM ${shape.tables.rows} s WHERE s.file = ${param(file)} AND ${keyMatch('s', 'c', shape.key)})`);
  }
  if (filter.column !== undefined) {
    const p = param(filter.column);
    where.push(`(EXISTS (SELECT 1 FROM ${shape.tables.cross} x WHERE x.variant = ${ranking.variant} AND ${keyMatch('x', 'c', shape.key)} AND ${p} = ANY(x.columns))
        OR EXISTS (SELECT 1 FROM ${shape.tables.rows} r WHERE ${keyMatch('r', 'c', shape.key)} AND ${survivesIn('r', ranking.variant)} AND ${p} = ANY(r.diff)))`);
  }
  const priority = `array_position(ARRAY[${CONFLICT_KEY_KINDS.map(quoteLiteral).join(', ')}], kind)`;
  const candidates = `SELECT DISTINCT ON (${k}) * FROM (${filter.kinds.map((kind) => conflictKeysSql(shape, kind, ranking)).join(' UNION ALL ')}) u ORDER BY ${k}, ${priority}`;
  return `SELECT * FROM (${candidates}) c${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
}

/**
 * pv_page_keys: the conflicting keys passing a filter, one row per key with its kind, indexed for
 * paging. Listed once per filter and ranking; each page then reads a slice of it.
 * $1 = the staged files' plan indexes in load order.
 */
export function pageKeysSql(shape: PreviewShape, filter: ConflictFilter, ranking: PageRanking, loadOrder: number[]): { text: string; values: unknown[] } {
  const values: unknown[] = [loadOrder];
  const candidates = candidatesSql(shape, filter, ranking, values);
  // The CTE types $1 for the kinds that do not read the load order.
  return { text: `CREATE TEMP TABLE pv_page_keys AS WITH load_order AS (SELECT $1::int[]) ${candidates}`, values };
}

export const dropPageKeysSql = 'DROP TABLE IF EXISTS pg_temp.pv_page_keys';

/**
 * One page of pv_page_keys in one statement, whatever the page size: per key, the key columns, its
 * kind, the columns that differ, the stored row's values (or NULL), and every staged row of the key
 * in every file as jsonb [{file, line, values, winner}], in load order then line.
 * $1 = the staged files' plan indexes in load order.
 */
export function conflictPageSql(shape: PreviewShape, ranking: PageRanking, page: { offset: number; limit: number }, loadOrder: number[]): { text: string; values: unknown[] } {
  const values: unknown[] = [loadOrder, page.limit, page.offset];
  const k = list(shape.key);
  const pk = list(shape.key, 'p.');
  // Per file and key, a lookup in that staging table's key index. Staged rows have no statistics
  // (analysing staging costs seconds), so as a join the planner expected each key to match 0.5% of
  // a partition and hashed every staged row for a page's few keys; OFFSET 0 keeps it a lookup.
  const rows = shape.sources.map(
    (s) => `SELECT ${pk}, ${s.file} AS file, s.ord, s.line, s.values
      FROM page p CROSS JOIN LATERAL (SELECT s.${quoteIdent(ORD)} AS ord, s.${quoteIdent(LINE)} AS line, ${jsonOf('s', s.columns)} AS values
        FROM ${s.table} s WHERE ${keyMatch('s', 'p', shape.key)} OFFSET 0) s`,
  );
  const stored = shape.target
    ? `SELECT DISTINCT ON (${pk}) ${pk}, ${jsonOf('t', shape.valueColumns)} AS stored FROM page p JOIN ${shape.target} t ON ${keyMatch('t', 'p', shape.key)} ORDER BY ${pk}`
    : `SELECT ${pk}, NULL::jsonb AS stored FROM page p WHERE false`;
  const text = `WITH page AS (SELECT * FROM pg_temp.pv_page_keys ORDER BY ${k} LIMIT $2 OFFSET $3),
    winners AS (${ranking.winnersSql('page')}),
    stored AS (${stored}),
    versions AS (
      SELECT ${list(shape.key, 'r.')}, jsonb_agg(jsonb_build_object('file', r.file, 'line', r.line, 'values', r.values,
               'winner', COALESCE(r.file = w.file AND r.ord = w.ord, false)) ORDER BY array_position($1::int[], r.file), r.line) AS versions
      FROM (${rows.join(' UNION ALL ')}) r LEFT JOIN winners w ON ${keyMatch('w', 'r', shape.key)}
      GROUP BY ${list(shape.key, 'r.')})
    SELECT ${pk}, p.kind,
           COALESCE(x.columns, ARRAY(SELECT c FROM jsonb_object_keys(w.v) c WHERE st.stored IS NOT NULL AND st.stored -> c IS DISTINCT FROM w.v -> c)) AS columns,
           st.stored, COALESCE(v.versions, '[]') AS versions
    FROM page p
    LEFT JOIN ${shape.tables.cross} x ON x.variant = ${ranking.variant} AND ${keyMatch('x', 'p', shape.key)}
    LEFT JOIN winners w ON ${keyMatch('w', 'p', shape.key)}
    LEFT JOIN stored st ON ${keyMatch('st', 'p', shape.key)}
    LEFT JOIN versions v ON ${keyMatch('v', 'p', shape.key)}
    ORDER BY ${pk}`;
  return { text, values };
}
