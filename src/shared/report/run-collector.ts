// Fed by the engine's LoadEvents while a run goes: keeps what the report needs beyond the LoadResult
// (the settings, each file's size, retries and stage timeline, throughput over time, notices),
// bounded in size. The CLI and the app feed it the same events, so their reports agree.
import type { FileProgress, LoadEvent, RunSettings } from '../load-types.ts';
import type { StageSpan, ThroughputSample } from '../report-types.ts';

const MAX_SAMPLES = 300;
const TIMED_STAGES = new Set<StageSpan['stage']>(['reading', 'staging', 'merging']);

export interface CollectedRun {
  startedAtMs: number;
  /** Null until the engine has planned the run (a run that fails to plan has none). */
  settings: RunSettings | null;
  stages: Map<string, StageSpan[]>;
  /** File path -> its size in bytes, as the engine reported it. */
  sizes: Map<string, number>;
  /** Subject (a file's path, or a step of the run) -> how many times it was retried. */
  retries: Map<string, number>;
  throughput: ThroughputSample[];
  notices: string[];
}

/** Halves a series once it is full, so a long run keeps evenly spread samples. */
function pushBounded<T>(series: T[], sample: T): void {
  series.push(sample);
  if (series.length > MAX_SAMPLES) {
    const kept = series.filter((_, index) => index % 2 === 0);
    series.length = 0;
    series.push(...kept);
  }
}

export class RunCollector {
  readonly run: CollectedRun;
  private readonly lastProgress = new Map<string, FileProgress>();
  private lastSampleMs = 0;
  private lastTotals = { rows: 0, bytes: 0 };

  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
    this.run = { startedAtMs: now(), settings: null, stages: new Map(), sizes: new Map(), retries: new Map(), throughput: [], notices: [] };
  }

  onEvent(event: LoadEvent): void {
    if (event.type === 'run-started') {
      // The run's clock starts here, as the engine's does: planning (hashing the files) came before.
      this.run.startedAtMs = this.now();
      this.run.throughput.length = 0;
      this.lastSampleMs = 0;
      this.run.settings = event.settings;
    } else if (event.type === 'notice') {
      if (this.run.notices.length < MAX_SAMPLES) this.run.notices.push(event.message);
      if (event.retryOf !== undefined) this.run.retries.set(event.retryOf, (this.run.retries.get(event.retryOf) ?? 0) + 1);
    } else if (event.type === 'file-progress') {
      this.trackStage(event.file);
      this.lastProgress.set(event.file.path, event.file);
      if (event.file.totalBytes > 0) this.run.sizes.set(event.file.path, event.file.totalBytes);
      this.sampleThroughput();
    }
  }

  private elapsed(): number {
    return this.now() - this.run.startedAtMs;
  }

  private trackStage(file: FileProgress): void {
    const at = this.elapsed();
    const spans = this.run.stages.get(file.path) ?? [];
    const open = spans.at(-1);
    if (open?.stage === file.stage) {
      open.endMs = at;
      return;
    }
    if (open) open.endMs = at;
    if (TIMED_STAGES.has(file.stage as StageSpan['stage'])) spans.push({ stage: file.stage as StageSpan['stage'], startMs: at, endMs: at });
    this.run.stages.set(file.path, spans);
  }

  // One sample a second at most: rates from the change in rows read and bytes read across all files.
  private sampleThroughput(): void {
    const at = this.elapsed();
    if (at - this.lastSampleMs < 1000) return;
    let rows = 0;
    let bytes = 0;
    for (const progress of this.lastProgress.values()) {
      rows += progress.counts.read;
      bytes += progress.bytesRead;
    }
    const seconds = (at - this.lastSampleMs) / 1000;
    // A resumed file's counts can start over: a rate is never negative.
    pushBounded(this.run.throughput, { atMs: at, rowsPerSecond: Math.max(0, rows - this.lastTotals.rows) / seconds, bytesPerSecond: Math.max(0, bytes - this.lastTotals.bytes) / seconds });
    this.lastSampleMs = at;
    this.lastTotals = { rows, bytes };
  }
}
