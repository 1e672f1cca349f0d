// Samples the connection pool during a run (seed 001 asked for exactly this): how many connections
// were open, idle, and how many requests waited for one.
import type { Pool } from 'pg';
import type { PoolMetrics, PoolSample } from '../../../../shared/load-types.ts';

const intervalMs = 250;
const maxSeries = 240;

export class PoolSampler {
  private readonly samples: PoolSample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly started = performance.now();
  private readonly pool: Pool;
  private readonly size: number;
  private readonly onSample: (sample: PoolSample) => void;

  /** `onSample` hears about one sample a second, for live displays. */
  constructor(pool: Pool, size: number, onSample: (sample: PoolSample) => void = () => {}) {
    this.pool = pool;
    this.size = size;
    this.onSample = onSample;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const sample = {
      atMs: Math.round(performance.now() - this.started),
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
    this.samples.push(sample);
    if (this.samples.length % 4 === 1) this.onSample(sample);
  }

  stop(): PoolMetrics {
    clearInterval(this.timer);
    this.sample();
    const n = this.samples.length;
    const average = (pick: (s: PoolSample) => number) => Math.round((this.samples.reduce((sum, s) => sum + pick(s), 0) / n) * 10) / 10;
    const step = Math.ceil(n / maxSeries);
    return {
      size: this.size,
      peakTotal: Math.max(...this.samples.map((s) => s.total)),
      peakWaiting: Math.max(...this.samples.map((s) => s.waiting)),
      averageTotal: average((s) => s.total),
      averageIdle: average((s) => s.idle),
      averageWaiting: average((s) => s.waiting),
      series: this.samples.filter((_, i) => i % step === 0),
    };
  }
}
