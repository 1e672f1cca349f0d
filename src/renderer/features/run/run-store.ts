// Live state of runs, fed by pushed events. Progress arrives about five times a second per file, so
// events only update plain maps; views are rebuilt and listeners told at most once per frame, and a
// file's row re-renders only when that file's progress changed.
import type { EventMap, KeyloadApi, RunSummary } from '../../../shared/ipc/contract.ts';
import { addCounts, emptyCounts, type FileProgress, type LoadEvent, type LoadResult, type PoolSample, type RowCounts } from '../../../shared/load-types.ts';

export interface RunTotals {
  bytesRead: number;
  totalBytes: number;
  counts: RowCounts;
  /** Files done, failed or skipped. */
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
}

interface RunState {
  view: RunView;
  progress: Map<string, FileProgress>;
  startedAt: number;
}

const finishedStages = new Set(['done', 'failed', 'skipped']);

export class RunStore {
  private readonly runs = new Map<string, RunState>();
  private readonly listeners = new Set<() => void>();
  private readonly dirty = new Set<string>();
  private activeRunId: string | null = null;
  private flushPending = false;
  private readonly schedule: (flush: () => void) => void;
  private readonly now: () => number;

  constructor(options: { schedule?: (flush: () => void) => void; now?: () => number } = {}) {
    this.schedule = options.schedule ?? ((flush) => requestAnimationFrame(flush));
    this.now = options.now ?? Date.now;
  }

  /** Listens to the API's run events; returns the unsubscribe. */
  connect(api: Pick<KeyloadApi, 'on'>): () => void {
    const stops = [
      api.on('run.event', ({ runId, event }) => this.apply(runId, event)),
      api.on('run.pool', ({ runId, sample }) => this.apply(runId, { type: 'pool', sample })),
      api.on('run.finished', (payload) => this.finish(payload)),
    ];
    return () => stops.forEach((stop) => stop());
  }

  /** A run this window started: show it. Events may already have arrived for it. */
  track(runId: string, files: string[]): void {
    const run = this.run(runId);
    if (run.view.files.length === 0) run.view = { ...run.view, files };
    this.activeRunId = runId;
    this.changed(runId);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getActive = (): RunView | null => (this.activeRunId ? (this.runs.get(this.activeRunId)?.view ?? null) : null);

  getFile(runId: string, path: string): FileProgress | undefined {
    return this.runs.get(runId)?.progress.get(path);
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
      case 'run-finished':
        run.view = { ...run.view, result: event.result, status: statusOf(event.result) };
        break;
    }
    this.changed(runId);
  }

  private finish({ runId, status }: EventMap['run.finished']): void {
    const run = this.run(runId);
    run.view = { ...run.view, status };
    this.changed(runId);
  }

  private run(runId: string): RunState {
    let run = this.runs.get(runId);
    if (!run) {
      const totals = { bytesRead: 0, totalBytes: 0, counts: emptyCounts(), finishedFiles: 0, etaSeconds: null };
      run = { view: { runId, files: [], status: 'running', totals, pool: null, result: null, notices: [] }, progress: new Map(), startedAt: this.now() };
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
    // The run's own pace so far, over the bytes still to read.
    const seconds = (this.now() - run.startedAt) / 1000;
    const rate = seconds > 0 ? totals.bytesRead / seconds : 0;
    if (run.view.status === 'running' && rate > 0) totals.etaSeconds = Math.round((totals.totalBytes - totals.bytesRead) / rate);
    return totals;
  }
}

function statusOf(result: LoadResult): RunSummary['status'] {
  if (result.exitCode === 0) return 'loaded';
  return result.exitCode === 3 ? 'loaded with rejects' : 'failed';
}
