import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PoolSample } from '../load-types.ts';
import type { StageSpan, ThroughputSample } from '../report-types.ts';
import { poolSvg, stageTimelineSvg, throughputSvg } from './svg-charts.ts';

/** The numeric attributes of every element whose opening tag starts with `tagStart`, e.g. '<rect class="span'. */
function elements(svg: string, tagStart: string): Record<string, number>[] {
  const tags = svg.split(tagStart).slice(1).map((rest) => rest.slice(0, rest.indexOf('>')));
  return tags.map((tag) => Object.fromEntries([...tag.matchAll(/([\w-]+)="(-?[\d.]+)"/g)].map(([, name, value]) => [name, Number(value)])));
}

function viewBoxWidth(svg: string): number {
  return Number(/viewBox="0 0 ([\d.]+) /.exec(svg)?.[1]);
}

/** The plot's horizontal extent, from the axis baseline. */
function plotX(svg: string): { left: number; right: number } {
  const [axis] = elements(svg, '<line class="axis"');
  return { left: axis?.x1 ?? NaN, right: axis?.x2 ?? NaN };
}

/** y-axis ticks as [value, y], bottom first. */
function yTicks(svg: string): [number, number][] {
  const suffix: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9 };
  return [...svg.matchAll(/<text class="tick y"[^>]* y="([\d.]+)"[^>]*>([\d.]+)([kMG]?)<\/text>/g)]
    .map(([, y, n, unit]) => [Number(n) * (suffix[unit ?? ''] ?? NaN), Number(y) - 4]);
}

const stages = (...times: [number, number, number, number]): StageSpan[] => [
  { stage: 'reading', startMs: times[0], endMs: times[1] },
  { stage: 'staging', startMs: times[1], endMs: times[2] },
  { stage: 'merging', startMs: times[2], endMs: times[3] },
];

describe('stage timeline', () => {
  const files = [{ path: '/data/a.csv', stages: stages(0, 2500, 5000, 10_000) }, { path: 'C:\\in\\b.parquet', stages: stages(1000, 3000, 4000, 6000) }];

  it('draws one bar per span, coloured by stage, with a legend and a labelled svg', () => {
    const svg = stageTimelineSvg(files, 10_000);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+" role="img" aria-labelledby="([\w-]+)" style="width:100%;height:auto".*<title id="\1">Stage timeline per file<\/title>/);
    for (const stage of ['reading', 'staging', 'merging']) {
      expect(svg.split(`<rect class="span ${stage}"`).length - 1).toBe(2);
      expect(svg).toContain(`>${stage}</text>`);
    }
    expect(svg.split('<rect class="span').length - 1).toBe(6);
  });

  it('labels rows with the base name, whichever the separator, and keeps the full path for hover', () => {
    const svg = stageTimelineSvg(files, 10_000);
    expect(svg).toContain('>a.csv</text>');
    expect(svg).toContain('>b.parquet</text>');
    expect(svg).toContain('<title>C:\\in\\b.parquet</title>');
  });

  it('places bars in proportion to their times on the run', () => {
    const svg = stageTimelineSvg(files, 10_000);
    const { left, right } = plotX(svg);
    expect(right).toBeLessThanOrEqual(viewBoxWidth(svg));
    expect(right - left).toBeGreaterThan(viewBoxWidth(svg) / 2);
    const [reading, staging, merging] = ['reading', 'staging', 'merging'].map((stage) => elements(svg, `<rect class="span ${stage}"`)[0]);
    expect(reading?.x).toBeCloseTo(left, 0);
    expect(reading?.width).toBeCloseTo((right - left) * 0.25, 0);
    expect(staging?.x).toBeCloseTo(left + (right - left) * 0.25, 0);
    expect((merging?.x ?? 0) + (merging?.width ?? 0)).toBeCloseTo(right, 0);
    // The 0 s grid line lies on the plot's left edge.
    expect(svg).toMatch(new RegExp(`<line class="grid x" x1="${left}"[^>]*/><text class="tick x"[^>]*>0 s</text>`));
  });

  it('keeps zero-length spans visible and inside the plot, even at the very end', () => {
    const svg = stageTimelineSvg([{ path: 'a.csv', stages: stages(0, 0, 5000, 5000) }], 5000);
    const { left, right } = plotX(svg);
    for (const bar of elements(svg, '<rect class="span')) {
      expect(bar.width).toBeGreaterThanOrEqual(2);
      expect(bar.x).toBeGreaterThanOrEqual(left);
      expect((bar.x ?? 0) + (bar.width ?? 0)).toBeLessThanOrEqual(right + 1e-6);
    }
  });

  it('draws a zero-length span over the stage that starts where it ends, so it is not hidden', () => {
    const svg = stageTimelineSvg([{ path: 'a.csv', stages: stages(0, 4000, 4000, 5000) }], 5000);
    expect(svg.indexOf('<rect class="span staging"')).toBeGreaterThan(svg.indexOf('<rect class="span merging"'));
    expect(svg.indexOf('<rect class="span staging"')).toBeGreaterThan(svg.indexOf('<rect class="span reading"'));
  });

  it('truncates long names with an ellipsis', () => {
    const long = `${'x'.repeat(60)}.csv`;
    const svg = stageTimelineSvg([{ path: `/d/${long}`, stages: stages(0, 1, 2, 3) }], 3);
    expect(svg).toMatch(/>x{23}…<\/text>/);
    expect(svg).toContain(`<title>/d/${long}</title>`);
  });

  it('escapes every name and path it writes', () => {
    const path = `/d/<script>alert("x")</script> & 'q'.csv`;
    const svg = stageTimelineSvg([{ path, stages: stages(0, 1, 2, 3) }], 3);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;q&apos;.csv');
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  it('says so when there is nothing to draw', () => {
    expect(stageTimelineSvg([], 0)).toMatch(/^<p class="empty">[^<]+<\/p>$/);
    expect(stageTimelineSvg([{ path: 'a.csv', stages: [] }], 1000)).toMatch(/^<p class="empty">/);
  });

  it('keeps every bar inside the plot for any spans', () => {
    const span = fc.record({ stage: fc.constantFrom('reading', 'staging', 'merging'), startMs: fc.nat(100_000), length: fc.nat(100_000) })
      .map(({ stage, startMs, length }): StageSpan => ({ stage, startMs, endMs: startMs + length }));
    const file = fc.record({ path: fc.string(), stages: fc.array(span, { minLength: 1, maxLength: 4 }) });
    fc.assert(fc.property(fc.array(file, { minLength: 1, maxLength: 8 }), fc.nat(200_000), (generated, runMs) => {
      const svg = stageTimelineSvg(generated, runMs);
      const { left, right } = plotX(svg);
      const bars = elements(svg, '<rect class="span');
      expect(bars).toHaveLength(generated.flatMap((f) => f.stages).length);
      for (const bar of bars) {
        expect(bar.width).toBeGreaterThanOrEqual(2);
        expect(bar.x).toBeGreaterThanOrEqual(left);
        expect((bar.x ?? 0) + (bar.width ?? 0)).toBeLessThanOrEqual(right + 1e-6);
      }
    }));
  });
});

describe('throughput chart', () => {
  const samples: ThroughputSample[] = [0, 1, 2, 3, 4].map((s) => ({ atMs: (s + 1) * 1000, rowsPerSecond: [800_000, 1_200_000, 950_000, 400_000, 30_000][s] ?? 0, bytesPerSecond: 0 }));

  it('draws rows per second under a y axis whose top tick covers the largest sample', () => {
    const svg = throughputSvg(samples);
    expect(svg).toContain('Rows per second over time</title>');
    const ticks = yTicks(svg);
    expect(ticks.at(-1)?.[0]).toBeGreaterThanOrEqual(1_200_000);
    expect(svg).toContain('>1.5M</text>');
    expect(svg).toContain('>500k</text>');
    const [top, bottom] = [ticks.at(-1)?.[1] ?? NaN, ticks[0]?.[1] ?? NaN];
    const path = /<path class="line rows" d="([^"]+)"/.exec(svg)?.[1] ?? '';
    const ys = [...path.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map(([, y]) => Number(y));
    expect(ys).toHaveLength(5);
    // 1.2M of a 1.5M axis: 80% of the way up.
    expect(ys[1]).toBeCloseTo(bottom - (bottom - top) * 0.8, 0);
  });

  it('covers every sample with its y axis, for any rates', () => {
    const rate = fc.double({ min: 0, max: 1e10, noNaN: true });
    fc.assert(fc.property(fc.array(rate, { minLength: 2, maxLength: 20 }), (rates) => {
      const ticks = yTicks(throughputSvg(rates.map((rowsPerSecond, i) => ({ atMs: i * 1000, rowsPerSecond, bytesPerSecond: 0 }))));
      expect((ticks.at(-1)?.[0] ?? 0) * (1 + 1e-9)).toBeGreaterThanOrEqual(Math.max(...rates));
    }));
  });

  it('says so when there are fewer than two samples, which make no line', () => {
    const tooShort = '<p class="empty">Too short for a throughput chart: the run took under two seconds.</p>';
    expect(throughputSvg([])).toBe(tooShort);
    expect(throughputSvg([{ atMs: 1000, rowsPerSecond: 5000, bytesPerSecond: 0 }])).toBe(tooShort);
    expect(throughputSvg([{ atMs: 1000, rowsPerSecond: 5000, bytesPerSecond: 0 }, { atMs: 2000, rowsPerSecond: 10, bytesPerSecond: 0 }])).toContain('<path class="line rows"');
  });
});

describe('pool chart', () => {
  const sample = (atMs: number, total: number, idle: number, waiting: number): PoolSample => ({ atMs, total, idle, waiting });
  const samples = [sample(1000, 2, 1, 0), sample(2000, 8, 0, 3), sample(3000, 6, 2, 0)];
  const sizeLineY = (svg: string) => [...(/<path class="line size" d="([^"]+)"/.exec(svg)?.[1] ?? '').matchAll(/[ML][\d.]+ ([\d.]+)/g)].map(([, y]) => Number(y));

  it('draws busy, idle and waiting lines and a dashed size line, with a legend', () => {
    const svg = poolSvg(samples, 4);
    for (const name of ['busy', 'idle', 'waiting']) {
      expect(svg).toContain(`<path class="line ${name}"`);
      expect(svg).toContain(`>${name}</text>`);
    }
    expect(svg).toMatch(/<path class="line size"[^>]*stroke-dasharray/);
    expect(svg).toContain('>pool size (4)</text>');
  });

  it('draws the size line at its height on the axis', () => {
    const half = poolSvg(samples, 4);
    const ticks = yTicks(half);
    expect(ticks.map(([v]) => v)).toEqual([0, 2, 4, 6, 8]);
    const y4 = ticks[2]?.[1];
    expect(sizeLineY(half)).toEqual([y4, y4]);
    // A size above every sample sets the axis top itself.
    const full = poolSvg(samples, 10);
    const top = yTicks(full).at(-1);
    expect(top?.[0]).toBe(10);
    expect(sizeLineY(full)).toEqual([top?.[1], top?.[1]]);
  });

  it('uses whole-connection ticks', () => {
    const ticks = yTicks(poolSvg([sample(1000, 1, 1, 0)], 1));
    expect(ticks.map(([v]) => v)).toEqual([0, 1]);
  });

  it('says so when there are no samples', () => {
    expect(poolSvg([], 4)).toMatch(/^<p class="empty">[^<]+<\/p>$/);
  });
});
