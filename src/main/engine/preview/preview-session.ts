// A conflict preview: the files are planned and staged exactly as `keyload load` would (same
// workers, same validation, same rejects), nothing is written to the target, and the analysis
// stays in the database for the desktop app to page through. Close the session to drop it.
import { basename } from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { LoadOptionsInput } from '../../../shared/load-options.ts';
import type { ConflictPolicy, FileOrder, LoadEvent } from '../../../shared/load-types.ts';
import type { ConflictEntry, ConflictPage, ConflictQuery, PreviewSummary } from '../../../shared/preview-types.ts';
import { toErrorInfo } from '../error-info.ts';
import type { FileContext, ReadyFile, RunContext } from '../load/file-context.ts';
import { ownersAreExact } from '../load/merge/contested-keys.ts';
import { stageAll, type KeyedFile } from '../load/merge/keyed-load.ts';
import { planLoad, type LoadPlan } from '../load/plan.ts';
import { openPool, type ConnectionConfig } from '../load/runtime/pool.ts';
import { acquireClient, type HeldClient } from '../load/runtime/pool-client.ts';
import { FileTracker } from '../load/progress.ts';
import { dropDeadStaging } from '../load/cleanup/leftovers.ts';
import { lockRun } from '../load/runtime/run-locks.ts';
import { dropTableSql } from '../load/stage/sql.ts';
import { dropStageTables, runTag } from '../load/stage/stage.ts';
import { qualifiedName, quoteIdent } from '../sql/identifiers.ts';
import { ConflictPager } from './preview-conflicts.ts';
import { inChosenOrder, inLoadOrder, type PreviewFileState } from './preview-files.ts';
import { readAnalysis, readSummary, type PreviewAnalysis } from './preview-summary.ts';
import { rankingFor, type Ranking } from './ranking-sql.ts';
import { RejectsTable } from './rejects-table.ts';
import { analyse, analysisJobs, inLanes } from './analysis.ts';
import { analysisTables, CONFLICT_KEY_KINDS, type ConflictFilter, type PreviewShape } from './sql.ts';

export interface PreviewHooks {
  onEvent?: (event: LoadEvent) => void;
  signal?: AbortSignal;
  progressIntervalMs?: number;
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
  /** Paths in the order the user arranged them; null: the order follows `order`. */
  private chosen: string[] | null = null;
  private policy: ConflictPolicy;
  private summaryCache: PreviewSummary | null = null;
  /** Null until the analysis has run (none when no file could be staged). */
  private analysis: PreviewAnalysis | null = null;
  private ranking: Ranking | null = null;
  private readonly pager = new ConflictPager();

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
      await dropDeadStaging(session.client, schema, { ownRunId: plan.runId });
      const rejects = await RejectsTable.create(pool, schema, runTag(plan.runId));
      const run: RunContext = { plan, pool, budget: plan.budget, support: plan.support, partitions: plan.partitions, bounds: null, partitionLocks: false, signal: hooks.signal, emit, undo: null };
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
        tables: analysisTables(schema, runTag(plan.runId)),
        sources: states.flatMap((s) => (s.staged ? [{ file: s.planIndex, table: s.staged.table.parent, partitions: s.staged.table.partitions, columns: s.columns }] : [])),
        valueColumns: [...new Set(states.flatMap((s) => (s.staged ? s.columns : [])))].filter((c) => !plan.key?.includes(c)),
        types: Object.fromEntries(plan.target.columns.map((c) => [c.name, c.type])),
        versionColumn: plan.options.versionColumn ?? null,
        incomparable: plan.target.columns.filter((c) => !c.comparable).map((c) => c.name),
        target: plan.createTableSql ? null : qualifiedName(plan.table),
      };
      const preview = new PreviewSession(plan, pool, session, states, shape, rejects);
      await preview.analyseStaged(hooks.signal);
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

  /** The analysis, which depends on neither order nor policy: re-ranking only reads it. */
  private async analyseStaged(signal: AbortSignal | undefined): Promise<void> {
    if (this.shape.sources.length === 0) return;
    for (const s of this.files) if (s.staged) s.tracker.stage('merging');
    const tag = runTag(this.plan.runId);
    const jobs = analysisJobs(this.plan.budget.mergeWorkers, this.plan.partitions);
    await analyse(this.client, this.pool, this.shape, this.plan.options.mode, {
      jobs,
      partitionTables: (job) => analysisTables(this.plan.options.manifestSchema, tag, job),
      signal,
    });
    const queryAll = (statements: string[]) => inLanes(this.client, this.pool, jobs, statements.map((sql) => async (client: PoolClient) => (await client.query(sql)).rows));
    this.analysis = await readAnalysis(queryAll, this.shape.tables);
  }

  /** Plan indexes of the staged files in the current load order. */
  private loadOrder(): number[] {
    return this.ordered().flatMap((f) => (f.staged ? [f.planIndex] : []));
  }

  private ordered(): PreviewFileState[] {
    return this.chosen ? inChosenOrder(this.files, this.chosen) : inLoadOrder(this.files, this.order);
  }

  /** The ranking for a policy in the current load order, with whatever tables it builds for that order. */
  private async rerank(policy: ConflictPolicy): Promise<Ranking> {
    const { mode } = this.plan.options;
    const ranking = rankingFor(this.shape, mode, policy, ownersAreExact(mode, policy, this.shape.sources.map((s) => s.columns)));
    for (const statement of ranking.prepareSql(this.loadOrder())) await this.client.query(statement);
    return ranking;
  }

  /**
   * The summary under an order and policy (default: the ones the load would use). Re-ranks without
   * reading files. `files` (every path, once) is an order the user arranged: the load's "given" order.
   */
  async summary(choice: { order?: FileOrder; files?: string[]; policy?: ConflictPolicy } = {}): Promise<PreviewSummary> {
    const order = choice.files ? 'given' : (choice.order ?? this.order);
    const chosen = choice.files ? inChosenOrder(this.files, choice.files).map((f) => f.path) : choice.order ? null : this.chosen;
    const policy = choice.policy ?? this.policy;
    if (policy === 'version' && !this.shape.versionColumn) throw new KeyloadError(ErrorCodes.usage, 'The version policy needs --version-column');
    const sameOrder = order === this.order && chosen?.join('\0') === this.chosen?.join('\0');
    if (this.summaryCache && sameOrder && policy === this.policy) return this.summaryCache;
    const started = performance.now();
    this.order = order;
    this.chosen = chosen;
    this.policy = policy;
    if (!this.analysis) throw new KeyloadError(ErrorCodes.usage, 'No file could be staged; nothing to preview');
    this.ranking = await this.rerank(policy);
    const ranked = { plan: this.plan, shape: this.shape, analysis: this.analysis, ranking: this.ranking, ordered: this.ordered(), order, policy };
    this.summaryCache = await readSummary(this.client, ranked, this.loadOrder(), started);
    for (const f of this.files) if (f.staged) f.tracker.stage('done');
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
    const ranking = this.ranking as Ranking;
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(1000, Math.max(1, query.limit ?? DEFAULT_PAGE));
    const pathOf = (planIndex: number) => this.files[planIndex]?.path ?? '';
    if (query.kind === 'rejected') return this.rejects.page(this.client, query, offset, limit, pathOf);
    const filter: ConflictFilter = {
      kinds: query.kind ? [query.kind] : CONFLICT_KEY_KINDS,
      ...(query.key ? { key: query.key } : {}),
      ...(query.files ? { files: query.files.map((path) => this.fileIndex(path)) } : {}),
      ...(query.column ? { column: query.column } : {}),
    };
    return this.pager.page(this.client, this.shape, ranking, { loadOrder: this.loadOrder(), pathOf }, filter, { offset, limit });
  }

  /** Every page of every kind, for export. */
  async *allConflicts(pageSize = 500): AsyncGenerator<ConflictEntry> {
    for (const kind of CONFLICT_KEY_KINDS) {
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
      await this.client.query(dropTableSql(...Object.values(this.shape.tables), this.rejects.name));
      await dropStageTables(this.client, this.files.flatMap((f) => (f.staged ? [f.staged.table] : [])));
    } finally {
      this.session.release(true);
      await this.pool.end();
    }
  }
}
