// Builds the set-based SQL that moves a staged file into its target: dedup into winners, then one
// INSERT ... ON CONFLICT per sub-batch. Counts come back from the statement itself.
import { quoteIdent } from '../sql/identifiers.ts';
import { LINE, ORD } from './validation.ts';

export const BATCH = '#batch';

export type KeyedMode = 'upsert' | 'insert' | 'ignore';

export interface MergeSpec {
  target: string;
  /** Target columns the file provides, in staging order. */
  columns: string[];
  key: string[];
  mode: KeyedMode;
  touchColumn?: string;
  versionColumn?: string;
  /** Columns whose type has no equality operator (json, xml, ...): compared as text. */
  incomparable: Set<string>;
  identityAlways: boolean;
}

const list = (names: string[], prefix = '') => names.map((n) => `${prefix}${quoteIdent(n)}`).join(', ');

/**
 * Keeps the last occurrence of every key (by explicit ordinal, or highest version first), and
 * numbers the survivors into sub-batches in key order so writers lock rows in a consistent order.
 */
export function winnersSql(stage: string, winners: string, key: string[], versionColumn: string | undefined, batchRows: number): string {
  const preference = `${versionColumn ? `${quoteIdent(versionColumn)} DESC NULLS LAST, ` : ''}${quoteIdent(ORD)} DESC`;
  return `CREATE TEMP TABLE ${winners} AS
    SELECT ((row_number() OVER (ORDER BY ${list(key)}) - 1) / ${Math.trunc(batchRows)})::int AS ${quoteIdent(BATCH)}, d.*
    FROM (SELECT DISTINCT ON (${list(key)}) * FROM ${stage} ORDER BY ${list(key)}, ${preference}) d`;
}

/** One sub-batch ($1 = batch number) into the target; returns inserted, updated, total. */
export function mergeSql(spec: MergeSpec, winners: string): string {
  const insertColumns = [...spec.columns, ...(spec.touchColumn ? [spec.touchColumn] : [])];
  const selectList = `${list(spec.columns)}${spec.touchColumn ? ', now()' : ''}`;
  const overriding = spec.identityAlways ? ' OVERRIDING SYSTEM VALUE' : '';
  const insert = `INSERT INTO ${spec.target} AS t (${list(insertColumns)})${overriding}
      SELECT ${selectList} FROM src ORDER BY ${list(spec.key)}`;
  let conflict = '';
  let returning = 'true AS inserted';
  if (spec.mode === 'ignore') {
    conflict = ` ON CONFLICT (${list(spec.key)}) DO NOTHING`;
  } else if (spec.mode === 'upsert') {
    returning = '(xmax = 0) AS inserted';
    const keySet = new Set(spec.key);
    const updatable = spec.columns.filter((c) => !keySet.has(c));
    if (updatable.length === 0) {
      conflict = ` ON CONFLICT (${list(spec.key)}) DO NOTHING`;
    } else {
      const compare = (side: string, c: string) => `${side}.${quoteIdent(c)}${spec.incomparable.has(c) ? '::text' : ''}`;
      const assignments = [
        ...updatable.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`),
        ...(spec.touchColumn ? [`${quoteIdent(spec.touchColumn)} = now()`] : []),
      ];
      const changed = `(${updatable.map((c) => compare('t', c)).join(', ')}) IS DISTINCT FROM (${updatable.map((c) => compare('EXCLUDED', c)).join(', ')})`;
      const v = spec.versionColumn ? quoteIdent(spec.versionColumn) : '';
      const newer = spec.versionColumn ? ` AND (t.${v} IS NULL OR EXCLUDED.${v} > t.${v})` : '';
      conflict = ` ON CONFLICT (${list(spec.key)}) DO UPDATE SET ${assignments.join(', ')} WHERE ${changed}${newer}`;
    }
  }
  return `WITH src AS MATERIALIZED (SELECT * FROM ${winners} WHERE ${quoteIdent(BATCH)} = $1),
    merged AS (${insert}${conflict} RETURNING ${returning})
    SELECT count(*) FILTER (WHERE inserted)::bigint AS inserted,
           count(*) FILTER (WHERE NOT inserted)::bigint AS updated,
           (SELECT count(*) FROM src)::bigint AS total
    FROM merged`;
}

/** Insert mode refuses keys that already exist; this finds a few to name in the error. */
export function existingKeysSql(spec: MergeSpec, winners: string): string {
  const join = spec.key.map((k) => `t.${quoteIdent(k)} = w.${quoteIdent(k)}`).join(' AND ');
  return `SELECT ${list(spec.key, 'w.')}, w.${quoteIdent(LINE)} AS line FROM ${winners} w
    WHERE EXISTS (SELECT 1 FROM ${spec.target} t WHERE ${join}) ORDER BY w.${quoteIdent(ORD)} LIMIT 5`;
}
