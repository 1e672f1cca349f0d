// A conflict preview: the files are planned and staged exactly as `keyload load` would (same
// workers, same validation, same rejects), nothing is written to the target, and the analysis
// stays in the database for the desktop app to page through. Close the session to drop it.
import { basename } from 'node:path';
import type { Pool } from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { LoadOptionsInput } from '../../../shared/load-options.ts';
import { emptyCounts, type ConflictPolicy, type FileOrder, type LoadEvent } from '../../../shared/load-types.ts';
import type { ConflictEntry, ConflictPage, ConflictQuery, PreviewFile, PreviewSummary } from '../../../shared/preview-types.ts';
import { toErrorInfo } from '../error-info.ts';
import type { FileContext, ReadyFile, RunContext } from '../load/file-context.ts';
import { stageAll, type KeyedFile } from '../load/merge/keyed-load.ts';
import { openPool, planLoad, type ConnectionConfig, type LoadPlan } from '../load/plan.ts';
import { acquireClient, type HeldClient } from '../load/runtime/pool-client.ts';
import { FileTracker } from '../load/progress.ts';
import { dropAbandonedStaging, lockRun } from '../load/runtime/run-locks.ts';
import { dropStageTable, runTag, type StagedFile } from '../load/stage/stage.ts';
import { displayName, qualifiedName, quoteIdent } from '../sql/identifiers.ts';
import { list } from '../load/merge/sql.ts';
import { RejectsTable } from './rejects-table.ts';
import { crossFileSql, duplicatesSql, foldAggregateSql, keyMatch, outcomesSql, overlapSql, rowJson, survivorsSql, type PreviewShape } from './sql.ts';

export interface PreviewHooks {
  onEvent?: (event: LoadEvent) => void;
  signal?: AbortSignal;
  progressIntervalMs?: number;
}

interface PreviewFileState {
  planIndex: number;
  path: string;
  mtimeMs: number;
  staged: StagedFile | null;
  tracker: FileTracker;
  failure: PreviewFile['error'] | null;
  skipReason: string | null;
  columns: string[];
}

const DEFAULT_PAGE = 50;

export class PreviewSession {
  private readonly plan: LoadPlan;
  private readonly pool: Pool;
  private readonly session: HeldClient;
  private readonly files: PreviewFileState[];
  private readonly shape: PreviewShape;
  private readonly rejects: RejectsTable;
  private order: FileOrder;
  private policy: ConflictPolicy;
  private summaryCache: PreviewSummary | null = null;

  private constructor(plan: LoadPlan, pool: Pool, session: HeldClient, files: PreviewFileState[], shape: PreviewShape, rejects: RejectsTable) {
    this.plan = plan;
    this.pool = pool;
    this.session = session;
    this.files = files;
    this.shape = shape;
    this.rejects = rejects;
    this.order = plan.options.order;
    this.policy = plan.options.conflictPolicy;
  }

  static async open(connection: ConnectionConfig, options: LoadOptionsInput, hooks: PreviewHooks = {}): Promise<PreviewSession> {
    const plan = await planLoad(connection, { ...options, dryRun: false });
    if (!plan.key) throw new KeyloadError(ErrorCodes.usage, `A preview needs a key: --mode ${plan.options.mode} does not use one`);
    const emit = hooks.onEvent ?? (() => {});
    const pool = openPool(connection, plan.budget.poolSize);
    const session = await acquireClient(pool);
    try {
      await lockRun(session.client, plan.runId);
      const schema = plan.options.manifestSchema;
      await session.client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      await dropAbandonedStaging(session.client, schema, plan.runId);
      const rejects = await RejectsTable.create(pool, schema, runTag(plan.runId));
      const run: RunContext = { plan, pool, budget: plan.budget, support: plan.support, partitions: plan.partitions, partitionLocks: false, signal: hooks.signal, emit };
      const states: PreviewFileState[] = plan.files.map((f, i) => ({
        planIndex: i,
        path: f.path,
        mtimeMs: f.info?.mtimeMs ?? 0,
        staged: null,
        tracker: new FileTracker(f.path, f.info?.totalBytes ?? 0, emit, hooks.progressIntervalMs),
        failure: f.error,
        skipReason: f.alreadyLoaded ? 'already loaded' : null,
        columns: f.mapping?.mapped.map((m) => m.target) ?? [],
      }));
      const ready = states.filter((s) => !s.failure && !s.skipReason);
      const contexts: FileContext[] = ready.map((s) => ({ run, file: plan.files[s.planIndex] as ReadyFile, tracker: s.tracker, rejects: rejects.sink(s.planIndex) }));
      const staged: KeyedFile[] = stageAll(run, contexts, async () => {});
      await Promise.all(
        staged.map(async (k, i) => {
          const state = ready[i] as PreviewFileState;
          state.staged = await k.staged;
          if (k.error) state.failure = toErrorInfo(k.error, state.path);
        }),
      );
      for (const s of states) if (s.failure) s.tracker.stage('failed');
      const shape: PreviewShape = {
        key: plan.key,
        sources: states.flatMap((s) => (s.staged ? [{ file: s.planIndex, table: s.staged.table.parent, columns: s.columns }] : [])),
        valueColumns: [...new Set(states.flatMap((s) => (s.staged ? s.columns : [])))].filter((c) => !plan.key?.includes(c)),
        versionColumn: plan.options.versionColumn ?? null,
        target: plan.createTableSql ? null : qualifiedName(plan.table),
      };
      const preview = new PreviewSession(plan, pool, session, states, shape, rejects);
      await preview.analyseStaged();
      return preview;
    } catch (error) {
      session.release(true);
      await pool.end();
      throw error;
    }
  }

  private get client() {
    return this.session.client;
  }

  /** Work that does not depend on order or policy. */
  private async analyseStaged(): Promise<void> {
    for (const s of this.files) if (s.staged) s.tracker.stage('merging');
    await this.client.query(foldAggregateSql);
    for (const source of this.shape.sources) await this.client.query(`CREATE INDEX ON ${source.table} (${list(this.shape.key)})`);
    if (this.shape.sources.length > 0) await this.client.query(duplicatesSql(this.shape));
    else await this.client.query(`CREATE TEMP TABLE pv_dups AS SELECT 0 AS file, 0::bigint AS n WHERE false`);
  }

  /** Positions of the staged files in the chosen order. */
  private orderedFiles(order: FileOrder): PreviewFileState[] {
    const files = [...this.files];
    if (order === 'name') files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (order === 'mtime') files.sort((a, b) => a.mtimeMs - b.mtimeMs);
    if (order === 'given') files.sort((a, b) => a.planIndex - b.planIndex);
    return files;
  }

  /** The summary under an order and policy (default: the ones the load would use). Re-ranks without reading files. */
  async summary(choice: { order?: FileOrder; policy?: ConflictPolicy } = {}): Promise<PreviewSummary> {
    const order = choice.order ?? this.order;
    const policy = choice.policy ?? this.policy;
    if (policy === 'version' && !this.shape.versionColumn) throw new KeyloadError(ErrorCodes.usage, 'The version policy needs --version-column');
    if (this.summaryCache && order === this.order && policy === this.policy) return this.summaryCache;
    const started = performance.now();
    this.order = order;
    this.policy = policy;
    const ordered = this.orderedFiles(order);
    const positions = ordered.filter((f) => f.staged).map((f) => f.planIndex);
    const client = this.client;
    await client.query('DROP TABLE IF EXISTS pg_temp.pv_surv, pg_temp.pv_outcome, pg_temp.pv_cross');
    if (this.shape.sources.length === 0) throw new KeyloadError(ErrorCodes.usage, 'No file could be staged; nothing to preview');
    await client.query(survivorsSql(this.shape, policy));
    await client.query(`CREATE INDEX ON pg_temp.pv_surv (${list(this.shape.key)}); ANALYZE pg_temp.pv_surv`);
    await client.query(outcomesSql(this.shape, this.plan.options.mode, policy), [positions, this.plan.options.mode]);
    await client.query(`CREATE INDEX ON pg_temp.pv_outcome (${list(this.shape.key)}); ANALYZE pg_temp.pv_outcome`);
    await client.query(crossFileSql(this.shape));

    const perFile = await client.query<{ file: number; outcome: string; n: string; protected: string }>(
      `SELECT file, outcome, count(*) AS n, count(*) FILTER (WHERE protected) AS protected FROM pg_temp.pv_outcome GROUP BY 1, 2`,
    );
    const survivors = await client.query<{ file: number; n: string }>(`SELECT file, count(*) AS n FROM pg_temp.pv_surv GROUP BY 1`);
    const dups = await client.query<{ file: number; n: string }>(`SELECT file, count(*) AS n FROM pg_temp.pv_dups GROUP BY 1`);
    const overlapRows = await client.query<{ a: number; b: number; n: string }>(overlapSql(this.shape));
    const cross = await client.query<{ column: string; keys: string }>(
      `SELECT c AS column, count(*) AS keys FROM pg_temp.pv_cross, unnest(columns) c GROUP BY c ORDER BY c`,
    );
    const crossKeys = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_temp.pv_cross`);
    const target = await client.query<{ existing: string; changed: string; protected: string }>(
      `SELECT count(DISTINCT (${list(this.shape.key)})) FILTER (WHERE stored IS NOT NULL) AS existing,
              count(DISTINCT (${list(this.shape.key)})) FILTER (WHERE stored IS NOT NULL AND outcome = 'update') AS changed,
              count(DISTINCT (${list(this.shape.key)})) FILTER (WHERE protected) AS protected
       FROM pg_temp.pv_outcome`,
    );

    const number = (rows: { file: number; n: string }[], file: number) => Number(rows.find((r) => r.file === file)?.n ?? 0);
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
      const protectedRows = perFile.rows.filter((r) => r.file === f.planIndex).reduce((n, r) => n + Number(r.protected), 0);
      return { ...base, status: 'ready', duplicateKeys: number(dups.rows, f.planIndex), protected: protectedRows };
    });
    const totals = files.reduce(
      (sum, f) => {
        for (const k of Object.keys(f.counts) as (keyof typeof f.counts)[]) sum[k] += f.counts[k];
        sum.protected += f.protected;
        return sum;
      },
      { ...emptyCounts(), protected: 0 },
    );
    const index = new Map(ordered.map((f, i) => [f.planIndex, i]));
    const overlap = ordered.map(() => ordered.map(() => 0));
    for (const r of overlapRows.rows) {
      const a = index.get(r.a) ?? 0;
      const b = index.get(r.b) ?? 0;
      (overlap[a] as number[])[b] = Number(r.n);
      (overlap[b] as number[])[a] = Number(r.n);
    }
    for (const f of this.files) if (f.staged) f.tracker.stage('done');
    this.summaryCache = {
      runId: this.plan.runId,
      table: displayName(this.plan.table),
      mode: this.plan.options.mode,
      order,
      policy,
      key: this.shape.key,
      files,
      totals,
      overlap,
      crossFile: { keys: Number(crossKeys.rows[0]?.n ?? 0), columns: cross.rows.map((r) => ({ column: r.column, keys: Number(r.keys) })) },
      target: {
        existingKeys: Number(target.rows[0]?.existing ?? 0),
        changed: Number(target.rows[0]?.changed ?? 0),
        protectedKeys: Number(target.rows[0]?.protected ?? 0),
      },
      seconds: (performance.now() - started) / 1000,
    };
    return this.summaryCache;
  }

  private fileIndex(path: string): number {
    const found = this.files.find((f) => f.path === path || basename(f.path) === path);
    if (!found) throw new KeyloadError(ErrorCodes.usage, `No file ${path} in this preview`);
    return found.planIndex;
  }

  /** A page of conflicting keys (or rejected rows), filtered, with every version of each key. */
  async conflicts(query: ConflictQuery = {}): Promise<ConflictPage> {
    if (!this.summaryCache) await this.summary();
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(1000, Math.max(1, query.limit ?? DEFAULT_PAGE));
    if (query.kind === 'rejected') return this.rejects.page(this.client, query, offset, limit, (i) => this.files[i]?.path ?? '');
    const k = list(this.shape.key);
    const keySets: Record<string, string> = {
      duplicate: `SELECT DISTINCT ${k}, 'duplicate' AS kind FROM pg_temp.pv_dups`,
      'cross-file': `SELECT ${k}, 'cross-file' AS kind FROM pg_temp.pv_cross`,
      target: `SELECT DISTINCT ${k}, 'target' AS kind FROM pg_temp.pv_outcome WHERE stored IS NOT NULL AND (outcome IN ('update', 'error') OR protected)`,
    };
    const kinds = query.kind ? [query.kind] : ['cross-file', 'duplicate', 'target'];
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.key) {
      params.push(`%${query.key}%`);
      where.push(`concat_ws(', ', ${this.shape.key.map((c) => `c.${quoteIdent(c)}::text`).join(', ')}) ILIKE $${params.length}`);
    }
    if (query.files) {
      for (const path of query.files) {
        params.push(this.fileIndex(path));
        where.push(`EXISTS (SELECT 1 FROM pg_temp.pv_surv s WHERE s.file = $${params.length} AND ${keyMatch('s', 'c', this.shape.key)})`);
      }
    }
    if (query.column) {
      params.push(query.column);
      const p = `$${params.length}`;
      where.push(`(EXISTS (SELECT 1 FROM pg_temp.pv_cross x WHERE ${keyMatch('x', 'c', this.shape.key)} AND ${p} = ANY(x.columns))
        OR EXISTS (SELECT 1 FROM pg_temp.pv_outcome o WHERE ${keyMatch('o', 'c', this.shape.key)} AND o.stored IS NOT NULL AND o.v ? ${p} AND o.stored -> ${p} IS DISTINCT FROM o.v -> ${p}))`);
    }
    // One entry per key: the first kind in the order above that the key has.
    const candidates = `SELECT DISTINCT ON (${k}) * FROM (${kinds.map((kind) => keySets[kind]).join(' UNION ALL ')}) u ORDER BY ${k}, array_position(ARRAY['cross-file', 'duplicate', 'target'], kind)`;
    const filtered = `SELECT * FROM (${candidates}) c${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`;
    const total = Number((await this.client.query<{ n: string }>(`SELECT count(*) AS n FROM (${filtered}) f`, params)).rows[0]?.n ?? 0);
    const page = await this.client.query<Record<string, unknown> & { kind: ConflictEntry['kind'] }>(`${filtered} ORDER BY ${k} LIMIT ${limit} OFFSET ${offset}`, params);
    // One session: its queries run one at a time.
    const entries: ConflictEntry[] = [];
    for (const row of page.rows) entries.push(await this.entry(row));
    return { total, offset, limit, entries };
  }

  private async entry(row: Record<string, unknown> & { kind: ConflictEntry['kind'] }): Promise<ConflictEntry> {
    const key = Object.fromEntries(this.shape.key.map((c) => [c, row[c]]));
    const params = this.shape.key.map((c) => row[c]);
    const match = this.shape.key.map((c, i) => `s.${quoteIdent(c)} = $${i + 1}`).join(' AND ');
    const versions = await this.client.query<{ file: number; ord: string; line: string; values: Record<string, unknown> }>(
      this.shape.sources
        .map((s) => `SELECT ${s.file} AS file, s."#ord" AS ord, s."#line" AS line, ${rowJson('s', s.columns)} AS values FROM ${s.table} s WHERE ${match}`)
        .join(' UNION ALL ') + ' ORDER BY line',
      params,
    );
    const outcomes = await this.client.query<{ file: number; ord: string; applied: boolean; stored: Record<string, unknown> | null; pos: string; v: Record<string, unknown>; outcome: string }>(
      `SELECT file, ord, applied, stored, pos, v, outcome FROM pg_temp.pv_outcome s WHERE ${match} ORDER BY pos`,
      params,
    );
    const winner = [...outcomes.rows].reverse().find((o) => o.applied && o.outcome !== 'unchanged') ?? [...outcomes.rows].reverse().find((o) => o.applied);
    const storedValues = outcomes.rows[0]?.stored;
    const stored = storedValues ? { ...key, ...storedValues } : null;
    const cross = await this.client.query<{ columns: string[] }>(`SELECT columns FROM pg_temp.pv_cross s WHERE ${match}`, params);
    const columns = cross.rows[0]?.columns ??
      (storedValues && winner ? Object.keys(winner.v).filter((c) => JSON.stringify(storedValues[c]) !== JSON.stringify(winner.v[c])) : []);
    const position = new Map(this.orderedFiles(this.order).map((f, i) => [f.planIndex, i]));
    return {
      kind: row.kind,
      key,
      columns,
      stored,
      versions: versions.rows
        .sort((a, b) => (position.get(a.file) ?? 0) - (position.get(b.file) ?? 0) || Number(a.line) - Number(b.line))
        .map((v) => ({
          file: this.files[v.file]?.path ?? '',
          line: Number(v.line),
          values: v.values,
          winner: winner !== undefined && winner.file === v.file && winner.ord === v.ord,
        })),
    };
  }

  /** Every page of every kind, for export. */
  async *allConflicts(pageSize = 500): AsyncGenerator<ConflictEntry> {
    for (const kind of ['cross-file', 'duplicate', 'target'] as const) {
      for (let offset = 0; ; offset += pageSize) {
        const page = await this.conflicts({ kind, offset, limit: pageSize });
        yield* page.entries;
        if (offset + pageSize >= page.total) break;
      }
    }
  }

  get valueColumns(): string[] {
    return [...this.shape.key, ...this.shape.valueColumns];
  }

  async close(): Promise<void> {
    try {
      for (const f of this.files) if (f.staged) await dropStageTable(this.client, f.staged.table);
      await this.rejects.drop(this.client);
    } finally {
      this.session.release(true);
      await this.pool.end();
    }
  }
}
