// Per-file progress with throttled events (about 5 a second per file), always emitting changes of
// stage so no front end misses "done" or "failed". The ETA comes from bytes while reading and from
// the merge rate (merged out of staged rows) while merging.
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
  /** When merging started, and how many rows were merged then (a resumed file starts part way). */
  private mergeStart: { at: number; merged: number } | null = null;
  /** Rows of this file committed to the table so far (by this run or an interrupted earlier one). */
  committedRows = 0;

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
    if (stage === 'merging' && !this.mergeStart) this.mergeStart = { at: performance.now(), merged: this.progress.mergedRows };
    this.progress.stage = stage;
    this.publish(true);
  }

  /** The file is staged: `rows` wait to be merged, `merged` of them already were (a resumed file). */
  staged(rows: number, merged: number): void {
    this.progress.stagedRows = rows;
    this.progress.mergedRows = merged;
    // A staged file may wait for the others before it merges: its final read count must be out.
    this.publish(true);
  }

  /** A merge sub-batch applied `rows` staged rows. */
  merged(rows: number): void {
    this.progress.mergedRows += rows;
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
    p.etaSeconds = p.stage === 'done' ? 0 : p.stage === 'merging' ? this.mergeEta(now) : this.readEta(seconds);
    this.emit({ type: 'file-progress', file: structuredClone(p) });
  }

  private readEta(seconds: number): number | null {
    const fraction = this.progress.totalBytes > 0 ? this.progress.bytesRead / this.progress.totalBytes : 0;
    return fraction > 0.01 && fraction < 1 ? Math.round((seconds * (1 - fraction)) / fraction) : null;
  }

  /** Seconds to merge the rest at the rate so far; null until a sub-batch has been merged. */
  private mergeEta(now: number): number | null {
    const p = this.progress;
    const start = this.mergeStart;
    const merged = start ? p.mergedRows - start.merged : 0;
    if (!start || merged <= 0 || now <= start.at) return null;
    const rowsPerSecond = merged / ((now - start.at) / 1000);
    // Tenths of a second: a short merge still shows time left until it is done.
    return Math.max(0.1, Math.round((Math.max(0, p.stagedRows - p.mergedRows) / rowsPerSecond) * 10) / 10);
  }
}
