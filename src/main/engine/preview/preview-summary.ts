// The preview's summary under the current ranking: per-file counts, totals, the overlap matrix, the
// cross-file columns and the keys already in the table, read from the ranking's temp tables.
import type { PoolClient } from 'pg';
import { addCounts, emptyCounts, type ConflictPolicy, type FileOrder } from '../../../shared/load-types.ts';
import type { PreviewFile, PreviewSummary } from '../../../shared/preview-types.ts';
import type { LoadPlan } from '../load/plan.ts';
import { displayName } from '../sql/identifiers.ts';
import type { PreviewFileState } from './preview-files.ts';
import {
  crossColumnCountsSql,
  crossKeyCountSql,
  duplicateCountsSql,
  outcomeCountsSql,
  overlapSql,
  survivorCountsSql,
  targetCountsSql,
  type PreviewShape,
} from './sql.ts';

export interface RankedPreview {
  plan: LoadPlan;
  shape: PreviewShape;
  /** Every file of the plan, in the ranking's load order. */
  ordered: PreviewFileState[];
  order: FileOrder;
  policy: ConflictPolicy;
}

/** A count per staged file (by plan index). */
interface FileCount {
  file: number;
  n: string;
}

/** The summary of a ranking already built in the session's temp tables; `started` is when re-ranking began. */
export async function readSummary(client: PoolClient, ranked: RankedPreview, started: number): Promise<PreviewSummary> {
  const { plan, shape, ordered } = ranked;
  const perFile = await client.query<{ file: number; outcome: string; n: string; protected: string }>(outcomeCountsSql);
  const survivors = await client.query<FileCount>(survivorCountsSql);
  const dups = await client.query<FileCount>(duplicateCountsSql);
  const overlapRows = await client.query<{ a: number; b: number; n: string }>(overlapSql(shape));
  const cross = await client.query<{ column: string; keys: string }>(crossColumnCountsSql);
  const crossKeys = await client.query<{ n: string }>(crossKeyCountSql);
  const target = await client.query<{ existing: string; changed: string; protected: string }>(targetCountsSql(shape));

  const number = (rows: FileCount[], file: number) => Number(rows.find((r) => r.file === file)?.n ?? 0);
  const outcome = (file: number, kind: string) => Number(perFile.rows.find((r) => r.file === file && r.outcome === kind)?.n ?? 0);
  const files: PreviewFile[] = ordered.map((f, position) => {
    const counts = { ...emptyCounts(), read: f.tracker.counts.read, rejected: f.tracker.counts.rejected };
    const base = { path: f.path, position, counts, duplicateKeys: 0, protected: 0 };
    if (f.failure) return { ...base, status: 'failed', error: f.failure };
    if (f.skipReason) return { ...base, status: 'skipped', skipReason: f.skipReason };
    const staged = f.staged?.rows ?? 0;
    counts.inserted = outcome(f.planIndex, 'insert');
    counts.updated = outcome(f.planIndex, 'update');
    counts.unchanged = outcome(f.planIndex, 'unchanged');
    counts.collapsed = staged - number(survivors.rows, f.planIndex) + outcome(f.planIndex, 'collapsed');
    counts.superseded = outcome(f.planIndex, 'superseded');
    const protectedRows = perFile.rows.filter((r) => r.file === f.planIndex).reduce((n, r) => n + Number(r.protected), 0);
    return { ...base, status: 'ready', duplicateKeys: number(dups.rows, f.planIndex), protected: protectedRows };
  });
  const totals = {
    ...files.reduce((sum, f) => addCounts(sum, f.counts), emptyCounts()),
    protected: files.reduce((n, f) => n + f.protected, 0),
  };
  return {
    runId: plan.runId,
    table: displayName(plan.table),
    mode: plan.options.mode,
    order: ranked.order,
    policy: ranked.policy,
    key: shape.key,
    files,
    totals,
    overlap: overlapMatrix(ordered, overlapRows.rows),
    crossFile: { keys: Number(crossKeys.rows[0]?.n ?? 0), columns: cross.rows.map((r) => ({ column: r.column, keys: Number(r.keys) })) },
    target: {
      existingKeys: Number(target.rows[0]?.existing ?? 0),
      changed: Number(target.rows[0]?.changed ?? 0),
      protectedKeys: Number(target.rows[0]?.protected ?? 0),
    },
    seconds: (performance.now() - started) / 1000,
  };
}

/** overlap[i][j] in load order, from the query's pairs of plan indexes (a <= b). */
function overlapMatrix(ordered: PreviewFileState[], pairs: { a: number; b: number; n: string }[]): number[][] {
  const shared = new Map<string, number>();
  for (const r of pairs) {
    shared.set(`${r.a}:${r.b}`, Number(r.n));
    shared.set(`${r.b}:${r.a}`, Number(r.n));
  }
  return ordered.map((a) => ordered.map((b) => shared.get(`${a.planIndex}:${b.planIndex}`) ?? 0));
}
