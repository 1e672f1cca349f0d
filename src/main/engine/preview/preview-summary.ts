// The preview's summary: what the analysis counted once (survivors, duplicates, the overlap matrix,
// the cross-file columns, the keys already in the table) and what the current ranking counts per
// file (outcomes, superseded rows, protected rows, keys the load changes).
import type { PoolClient, QueryResultRow } from 'pg';
import { addCounts, emptyCounts, type ConflictPolicy, type FileOrder } from '../../../shared/load-types.ts';
import type { PreviewFile, PreviewSummary } from '../../../shared/preview-types.ts';
import type { LoadPlan } from '../load/plan.ts';
import { displayName } from '../sql/identifiers.ts';
import type { PreviewFileState } from './preview-files.ts';
import type { Ranking } from './ranking-sql.ts';
import { analysisCountsSql, type AnalysisTables, type PreviewShape } from './sql.ts';

/** The order- and policy-independent counts, read once after the analysis. */
export interface PreviewAnalysis {
  /** Per plan index: keys that survive in the file. */
  survivors: Map<number, number>;
  /** Per plan index: keys occurring more than once in the file. */
  duplicates: Map<number, number>;
  /** Keys shared by files a <= b (plan indexes). */
  overlap: { a: number; b: number; n: string }[];
  /** Per variant: the columns keys differ in between files, and how many keys differ. */
  crossColumns: { variant: number; column: string; keys: string }[];
  crossKeys: Map<number, number>;
  existingKeys: number;
}

/** A count per staged file (by plan index), or per variant. */
interface IndexedCount {
  file?: number;
  variant?: number;
  n: string;
}

const countMap = (rows: IndexedCount[]) => new Map(rows.map((r) => [r.file ?? r.variant ?? 0, Number(r.n)]));

/** Runs the statements, at once where it can, and returns each one's rows, in order. */
export type QueryAll = (statements: string[]) => Promise<QueryResultRow[][]>;

export async function readAnalysis(queryAll: QueryAll, tables: AnalysisTables): Promise<PreviewAnalysis> {
  const sql = analysisCountsSql(tables);
  const [survivors, duplicates, overlap, crossColumns, crossKeys, existingKeys] = await queryAll([sql.survivors, sql.duplicates, sql.overlap, sql.crossColumns, sql.crossKeys, sql.existingKeys]);
  return {
    survivors: countMap(survivors as IndexedCount[]),
    duplicates: countMap(duplicates as IndexedCount[]),
    overlap: overlap as PreviewAnalysis['overlap'],
    crossColumns: crossColumns as PreviewAnalysis['crossColumns'],
    crossKeys: countMap(crossKeys as IndexedCount[]),
    existingKeys: Number((existingKeys as { n: string }[])[0]?.n ?? 0),
  };
}

export interface RankedPreview {
  plan: LoadPlan;
  shape: PreviewShape;
  analysis: PreviewAnalysis;
  ranking: Ranking;
  /** Every file of the plan, in the ranking's load order. */
  ordered: PreviewFileState[];
  order: FileOrder;
  policy: ConflictPolicy;
}

/** The summary of a ranking; `started` is when re-ranking began. */
export async function readSummary(client: PoolClient, ranked: RankedPreview, loadOrder: number[], started: number): Promise<PreviewSummary> {
  const { plan, shape, ordered, analysis, ranking } = ranked;
  const perFile = await client.query<{ file: number; outcome: string; n: string; protected: string }>(ranking.outcomesSql(loadOrder));
  const target = await client.query<{ changed: string; protected: string }>(ranking.targetSql(loadOrder));

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
    counts.collapsed = staged - (analysis.survivors.get(f.planIndex) ?? 0) + outcome(f.planIndex, 'collapsed');
    counts.superseded = outcome(f.planIndex, 'superseded');
    const protectedRows = perFile.rows.filter((r) => r.file === f.planIndex).reduce((n, r) => n + Number(r.protected), 0);
    return { ...base, status: 'ready', duplicateKeys: analysis.duplicates.get(f.planIndex) ?? 0, protected: protectedRows };
  });
  const totals = {
    ...files.reduce((sum, f) => addCounts(sum, f.counts), emptyCounts()),
    protected: files.reduce((n, f) => n + f.protected, 0),
  };
  const columns = analysis.crossColumns.filter((r) => r.variant === ranking.variant).map((r) => ({ column: r.column, keys: Number(r.keys) }));
  return {
    runId: plan.runId,
    table: displayName(plan.table),
    mode: plan.options.mode,
    order: ranked.order,
    policy: ranked.policy,
    key: shape.key,
    files,
    totals,
    overlap: overlapMatrix(ordered, analysis.overlap),
    crossFile: { keys: analysis.crossKeys.get(ranking.variant) ?? 0, columns },
    target: {
      existingKeys: analysis.existingKeys,
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
