import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyCounts, type LoadResult } from '../load-types.ts';
import { buildRunReport } from './build-run-report.ts';
import { csvCell, renderReport } from './render.ts';
import { RunCollector } from './run-collector.ts';

function sampleReport(path: string) {
  let clock = 0;
  const collector = new RunCollector(() => clock);
  const progress = { path, bytesRead: 0, totalBytes: 100, counts: emptyCounts(), rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0 };
  for (const stage of ['reading', 'staging', 'merging', 'done'] as const) {
    clock += 1500;
    collector.onEvent({ type: 'file-progress', file: { ...progress, stage, counts: { ...emptyCounts(), read: clock } } });
  }
  collector.onEvent({ type: 'notice', message: 'a <b>notice</b>' });
  const result: LoadResult = {
    runId: 'run-1', table: 'public.t', mode: 'upsert', dryRun: false, createdTable: false, seconds: 6,
    files: [{ path, sha256: null, status: 'loaded', counts: { ...emptyCounts(), read: 10, inserted: 10 }, seconds: 2 }],
    totals: { ...emptyCounts(), read: 10, inserted: 10 }, concurrency: 2, internalConcurrency: 1, pool: null, exitCode: 0,
  };
  const settings = { connection: 'me@db:5432/app', table: 'public.t', key: ['id'], mode: 'upsert' as const, conflictPolicy: 'last', order: 'name', concurrency: 2, dryRun: false };
  return buildRunReport({ source: 'cli', settings, result, collected: collector.run, sizes: new Map([[path, 4_000_000]]), finishedAtMs: clock });
}

describe('run report', () => {
  it('times each stage of a file and derives its rates', () => {
    const report = sampleReport('a.csv');
    expect(report.files[0]?.stages.map((s) => [s.stage, s.startMs, s.endMs])).toEqual([['reading', 1500, 3000], ['staging', 3000, 4500], ['merging', 4500, 6000]]);
    expect(report.files[0]?.megabytesPerSecond).toBe(2);
    expect(report.throughput.length).toBeGreaterThan(0);
  });

  it('round-trips through JSON', () => {
    const report = sampleReport('a.csv');
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(report);
  });

  it('prefixes every cell a spreadsheet would run as a formula', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      const cell = csvCell(text);
      const unquoted = cell.startsWith('"') ? cell.slice(1) : cell;
      expect(/^[=+\-@\t\r]/.test(unquoted)).toBe(false);
    }));
    expect(renderReport(sampleReport('=HYPERLINK("x")'), 'csv')).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('writes a self-contained HTML file with escaped text', () => {
    const html = renderReport(sampleReport('<script>.csv'), 'html');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('keeps its series bounded on a long run', () => {
    let clock = 0;
    const collector = new RunCollector(() => clock);
    for (let i = 0; i < 2000; i += 1) {
      clock += 1000;
      collector.onEvent({ type: 'pool', sample: { atMs: 0, total: 2, idle: 1, waiting: 0 } });
    }
    expect(collector.run.pool.length).toBeLessThanOrEqual(300);
    expect(collector.run.pool.at(-1)?.atMs).toBeGreaterThan(1_900_000);
  });
});
