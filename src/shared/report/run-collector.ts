// Fed by the engine's LoadEvents while a run goes: keeps what the report needs beyond the LoadResult
// (stage timeline, throughput and pool usage over time, notices), bounded in size.
import type { FileProgress, LoadEvent, PoolSample } from '../load-types.ts';
import type { StageSpan, ThroughputSample } from '../report-types.ts';

const MAX_SAMPLES = 300;
const TIMED_STAGES = new Set<StageSpan['stage']>(['reading', 'staging', 'merging']);

export interface CollectedRun {
  startedAtMs: number;
  stages: Map<string, StageSpan[]>;
  throughput: ThroughputSample[];
  pool: PoolSample[];
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
    this.run = { startedAtMs: now(), stages: new Map(), throughput: [], pool: [], notices: [] };
  }

  onEvent(event: LoadEvent): void {
    if (event.type === 'notice') {
      if (this.run.notices.length < MAX_SAMPLES) this.run.notices.push(event.message);
    } else if (event.type === 'pool') {
      pushBounded(this.run.pool, { ...event.sample, atMs: this.elapsed() });
    } else if (event.type === 'file-progress') {
      this.trackStage(event.file);
      this.lastProgress.set(event.file.path, event.file);
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
    pushBounded(this.run.throughput, { atMs: at, rowsPerSecond: (rows - this.lastTotals.rows) / seconds, bytesPerSecond: (bytes - this.lastTotals.bytes) / seconds });
    this.lastSampleMs = at;
    this.lastTotals = { rows, bytes };
  }
}
