// How a run's keyed rows split into merge units: the staging tables' partitions, the same for every
// file of the run. By key range when the target already holds rows, so each unit writes its own
// slice of the table and its key index, as psql's one sorted INSERT does; by hash when there is
// nothing to sample. A hash unit's keys spread over the whole key range: once the table outgrows
// shared_buffers, every unit sweeps all of it (docs/benchmarks.md: a 10M-row upsert read 65× the
// buffers psql's did, and ran 2.7× as long).
import type { ClientBase } from 'pg';
import { keyBoundsSql, TABLE_PAGES_SQL } from './sql.ts';

/** Per unit after the first, its lowest key: one text per key column, as the server prints it. */
export type KeyBounds = string[][];

export interface UnitLayout {
  /** Merge units (staging partitions) of every file. */
  parts: number;
  /** Key ranges (unit 0 starts below every key, the last takes every key from its bound on); null: hash partitions. */
  bounds: KeyBounds | null;
}

export function hashLayout(parts: number): UnitLayout {
  return { parts, bounds: null };
}

export function sameLayout(a: UnitLayout, b: UnitLayout): boolean {
  return a.parts === b.parts && JSON.stringify(a.bounds) === JSON.stringify(b.bounds);
}

/**
 * Pages sampled per unit wanted. A page holds neighbouring keys, so the units' sizes vary with the
 * pages per unit, not the rows: 8 keep them within a factor of about 2 of equal, and cost 16 MB of
 * reads for 256 units.
 */
const SAMPLE_PAGES_PER_UNIT = 8;
const MIN_SAMPLE_PAGES = 64;

/**
 * Up to `parts` key ranges of about equal size, from quantiles of a page sample of the target's
 * keys (fewer for a table of few rows); null when the table holds no rows. Ranges only balance the
 * units: any bounds give the same table, since every key still falls in exactly one unit.
 */
export async function rangeLayout(client: ClientBase, target: string, key: string[], parts: number): Promise<UnitLayout | null> {
  const size = await client.query<{ pages: string }>(TABLE_PAGES_SQL, [target]);
  const pages = Number(size.rows[0]?.pages ?? 0);
  if (pages === 0 || parts < 2) return null;
  const percent = Math.min(100, (100 * Math.max(MIN_SAMPLE_PAGES, parts * SAMPLE_PAGES_PER_UNIT)) / pages);
  const found = await client.query<{ lower: string[] }>(keyBoundsSql(target, key), [parts, percent]);
  if (found.rows.length === 0) return null;
  return { parts: found.rows.length + 1, bounds: found.rows.map((r) => r.lower) };
}
