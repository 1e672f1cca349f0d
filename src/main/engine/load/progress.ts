// Per-file progress with throttled events (about 5 a second per file), always emitting changes of
// stage so no front end misses "done" or "failed".
import type { FileProgress, FileStage, LoadEvent, RowCounts } from '../../../shared/load-types.ts';
import { emptyCounts } from '../../../shared/load-types.ts';

/** About five events a second per file; front ends may ask for another rate. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 200;

export class FileTracker {
  readonly progress: FileProgress;
  private readonly emit: (event: LoadEvent) => void;
  private readonly intervalMs: number;
  private startedAt = 0;
  private lastEmit = 0;

  constructor(path: string, totalBytes: number, emit: (event: LoadEvent) => void, intervalMs = DEFAULT_PROGRESS_INTERVAL_MS) {
    this.emit = emit;
    this.intervalMs = intervalMs;
    this.progress = { path, stage: 'queued', bytesRead: 0, totalBytes, counts: emptyCounts(), rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0 };
  }

  get counts(): RowCounts {
    return this.progress.counts;
  }

  get seconds(): number {
    return this.startedAt ? (performance.now() - this.startedAt) / 1000 : 0;
  }

  stage(stage: FileStage): void {
    if (stage !== 'queued' && !this.startedAt) this.startedAt = performance.now();
    this.progress.stage = stage;
    this.publish(true);
  }

  update(bytesRead?: number): void {
    if (bytesRead !== undefined) this.progress.bytesRead = bytesRead;
    this.publish(false);
  }

  private publish(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastEmit < this.intervalMs) return;
    this.lastEmit = now;
    const seconds = this.seconds;
    const p = this.progress;
    p.rowsPerSecond = seconds > 0 ? Math.round(p.counts.read / seconds) : 0;
    const fraction = p.totalBytes > 0 ? p.bytesRead / p.totalBytes : 0;
    p.etaSeconds = p.stage === 'done' ? 0 : fraction > 0.01 && fraction < 1 ? Math.round((seconds * (1 - fraction)) / fraction) : null;
    this.emit({ type: 'file-progress', file: structuredClone(p) });
  }
}
