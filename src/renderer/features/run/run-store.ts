// Live state of runs, fed by pushed events. Progress arrives about five times a second per file, so
// events only update plain maps; views are rebuilt and listeners told at most once per frame, and a
// file's row re-renders only when that file's progress changed.
//
// Runs belong to the main side: on connecting, and every few seconds while a run shows as running,
// the store asks for the active runs and re-attaches to them (a reloaded page finds its run again;
// events missed while the event stream reconnected are made good). A run that is no longer active
// takes its final status and result from history.
import type { ActiveRun, EventMap, KeyloadApi, RunSummary } from '../../../shared/ipc/contract.ts';
import { addCounts, emptyCounts, type FileProgress, type FileStage, type LoadEvent, type LoadResult, type PoolSample, type RowCounts } from '../../../shared/load-types.ts';
import type { LockWait } from '../../../shared/lock-wait.ts';
import { runStatus } from '../../../shared/run-status.ts';

export interface RunTotals {
  /** Bytes read so far: of a cancelled or failed run, what it got through, not the whole. */
  bytesRead: number;
  totalBytes: number;
  counts: RowCounts;
  /** Files done, partly loaded, failed, cancelled or skipped. */
  finishedFiles: number;
  etaSeconds: number | null;
}

export interface RunView {
  runId: string;
  /** In load order. */
  files: string[];
  status: RunSummary['status'];
  totals: RunTotals;
  pool: PoolSample | null;
  result: LoadResult | null;
  notices: string[];
  /** Locks of other sessions the run has waited for over a second, while it still does. */
  lockWaits: LockWait[];
}

export type RunApi = Pick<KeyloadApi, 'on' | 'runs.active' | 'runs.get'>;

interface RunState {
  view: RunView;
  progress: Map<string, FileProgress>;
  startedAt: number;
  /** Sync rounds started before this run was first seen: only later rounds may judge it gone. */
  seenAtRound: number;
}

const finishedStages = new Set<FileStage>(['done', 'partly-loaded', 'failed', 'skipped', 'cancelled']);
const stageRank: Record<FileStage, number> = { queued: 0, reading: 1, staging: 2, merging: 3, done: 4, 'partly-loaded': 4, failed: 4, skipped: 4, cancelled: 4 };

/** Of two reports on one file (a live event and a snapshot of main), the one further along. */
function furtherAlong(a: FileProgress, b: FileProgress): boolean {
  const key = (p: FileProgress) => [stageRank[p.stage], p.bytesRead, p.mergedRows, p.counts.read];
  const [ka, kb] = [key(a), key(b)];
  const differs = ka.findIndex((value, index) => value !== kb[index]);
  return differs >= 0 && (ka[differs] ?? 0) > (kb[differs] ?? 0);
}

export class RunStore {
  private readonly runs = new Map<string, RunState>();
  private readonly listeners = new Set<() => void>();
  private readonly dirty = new Set<string>();
  private activeRunId: string | null = null;
  private flushPending = false;
  private syncRounds = 0;
  private api: RunApi | null = null;
  private readonly schedule: (flush: () => void) => void;
  private readonly now: () => number;
  private readonly syncMs: number;

  constructor(options: { schedule?: (flush: () => void) => void; now?: () => number; syncMs?: number } = {}) {
    this.schedule = options.schedule ?? ((flush) => requestAnimationFrame(flush));
    this.now = options.now ?? Date.now;
    this.syncMs = options.syncMs ?? 3000;
  }

  /** Listens to the API's run events and re-attaches to the active runs; returns the disconnect. */
  connect(api: RunApi): () => void {
    this.api = api;
    const stops = [
      api.on('run.event', ({ runId, event }) => this.apply(runId, event)),
      api.on('run.pool', ({ runId, sample }) => this.apply(runId, { type: 'pool', sample })),
      api.on('run.finished', (payload) => this.finish(payload)),
    ];
    void this.sync();
    const timer = setInterval(() => {
      if ([...this.runs.values()].some((run) => run.view.status === 'running')) void this.sync();
    }, this.syncMs);
    return () => {
      stops.forEach((stop) => stop());
      clearInterval(timer);
      if (this.api === api) this.api = null;
    };
  }

  /** A run this window started: show it. Events may already have arrived for it. */
  track(runId: string, files: string[]): void {
    const run = this.run(runId);
    if (run.view.files.length === 0) run.view = { ...run.view, files };
    this.activeRunId = runId;
    this.changed(runId);
  }

  /** Asks the main side for its active runs, attaches to them, and settles the runs that ended. */
  async sync(): Promise<void> {
    const api = this.api;
    if (!api) return;
    const round = ++this.syncRounds;
    let active: ActiveRun[];
    try {
      active = await api['runs.active']({});
    } catch {
      return; // the main side is unreachable: the next round tries again, and every request shows its own error
    }
    if (this.api !== api) return;
    for (const run of active) this.attach(run);
    if (!this.activeRunId) this.activeRunId = active.at(-1)?.runId ?? null;
    const live = new Set(active.map((run) => run.runId));
    for (const [runId, run] of this.runs) {
      if (run.view.status === 'running' && run.seenAtRound < round && !live.has(runId)) void this.settle(runId);
    }
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getActive = (): RunView | null => (this.activeRunId ? (this.runs.get(this.activeRunId)?.view ?? null) : null);

  getFile(runId: string, path: string): FileProgress | undefined {
    return this.runs.get(runId)?.progress.get(path);
  }

  private attach(active: ActiveRun): void {
    const run = this.run(active.runId, Date.parse(active.startedAt));
    if (run.view.files.length === 0) run.view = { ...run.view, files: active.files.map((file) => file.path) };
    for (const file of active.files) {
      const known = run.progress.get(file.path);
      if (!known || furtherAlong(file, known)) run.progress.set(file.path, file);
    }
    if (active.notices.length > run.view.notices.length) run.view = { ...run.view, notices: active.notices };
    this.changed(active.runId);
  }

  private apply(runId: string, event: LoadEvent): void {
    const run = this.run(runId);
    switch (event.type) {
      case 'run-started':
        run.view = { ...run.view, files: event.files };
        break;
      case 'file-progress':
        run.progress.set(event.file.path, event.file);
        if (!run.view.files.includes(event.file.path)) run.view = { ...run.view, files: [...run.view.files, event.file.path] };
        break;
      case 'notice':
        run.view = { ...run.view, notices: [...run.view.notices, event.message] };
        break;
      case 'pool':
        run.view = { ...run.view, pool: event.sample };
        break;
      case 'lock-wait':
        run.view = { ...run.view, lockWaits: event.waits };
        break;
      case 'run-finished':
        run.view = { ...run.view, result: event.result, status: runStatus(event.result) };
        break;
    }
    this.changed(runId);
  }

  private finish({ runId, status }: EventMap['run.finished']): void {
    const run = this.run(runId);
    run.view = { ...run.view, status };
    this.changed(runId);
    // The result comes with the engine's last event; a window that missed it reads it from history.
    if (!run.view.result) void this.settle(runId);
  }

  /** Takes a run's final status and result from history, once it is there. */
  private async settle(runId: string): Promise<void> {
    const api = this.api;
    if (!api) return;
    let detail;
    try {
      detail = await api['runs.get']({ runId });
    } catch {
      return; // the next sync round asks again while the run still shows as running
    }
    const run = this.runs.get(runId);
    if (!run || !detail || detail.status === 'running') return;
    run.view = { ...run.view, status: detail.status, result: run.view.result ?? detail.result };
    this.changed(runId);
  }

  private run(runId: string, startedAt = this.now()): RunState {
    let run = this.runs.get(runId);
    if (!run) {
      const totals = { bytesRead: 0, totalBytes: 0, counts: emptyCounts(), finishedFiles: 0, etaSeconds: null };
      const view: RunView = { runId, files: [], status: 'running', totals, pool: null, result: null, notices: [], lockWaits: [] };
      run = { view, progress: new Map(), startedAt, seenAtRound: this.syncRounds };
      this.runs.set(runId, run);
    }
    return run;
  }

  private changed(runId: string): void {
    this.dirty.add(runId);
    if (this.flushPending) return;
    this.flushPending = true;
    this.schedule(() => this.flush());
  }

  private flush(): void {
    this.flushPending = false;
    for (const runId of this.dirty) {
      const run = this.runs.get(runId);
      if (run) run.view = { ...run.view, totals: this.totals(run) };
    }
    this.dirty.clear();
    for (const listener of this.listeners) listener();
  }

  private totals(run: RunState): RunTotals {
    const totals: RunTotals = { bytesRead: 0, totalBytes: 0, counts: emptyCounts(), finishedFiles: 0, etaSeconds: null };
    for (const file of run.progress.values()) {
      totals.bytesRead += file.bytesRead;
      totals.totalBytes += file.totalBytes;
      addCounts(totals.counts, file.counts);
      if (finishedStages.has(file.stage)) totals.finishedFiles += 1;
    }
    if (run.view.status === 'running') totals.etaSeconds = this.eta(run, totals);
    return totals;
  }

  /**
   * While bytes are left to read: the run's own pace so far over them. Once all are read: the
   * slowest merge still going (merges estimate from merged rows), unknown if any cannot say.
   */
  private eta(run: RunState, totals: RunTotals): number | null {
    const left = totals.totalBytes - totals.bytesRead;
    if (left > 0) {
      const seconds = (this.now() - run.startedAt) / 1000;
      const rate = seconds > 0 ? totals.bytesRead / seconds : 0;
      return rate > 0 ? Math.round(left / rate) : null;
    }
    const unfinished = [...run.progress.values()].filter((file) => !finishedStages.has(file.stage));
    if (unfinished.length === 0) return null;
    const etas = unfinished.flatMap((file) => (file.stage === 'merging' && file.stagedRows > 0 && file.etaSeconds !== null ? [file.etaSeconds] : []));
    return etas.length === unfinished.length ? Math.max(...etas) : null;
  }
}
