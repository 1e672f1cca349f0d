import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { emptyCounts, type LoadResult } from '../load-types.ts';
import { runReportSchema, type RunReport } from '../report-types.ts';
import { buildRunReport } from './build-run-report.ts';
import { csvCell, renderReport } from './render.ts';
import { RunCollector } from './run-collector.ts';

function sampleReport(path: string) {
  let clock = 0;
  const collector = new RunCollector(() => clock);
  collector.onEvent({ type: 'run-started', runId: 'run-1', files: [path], table: 'public.t', settings: { key: ['id'], conflictPolicy: 'last', order: 'name' } });
  const progress = { path, bytesRead: 0, totalBytes: 4_000_000, counts: emptyCounts(), rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0 };
  for (const stage of ['reading', 'staging', 'merging', 'done'] as const) {
    clock += 1500;
    collector.onEvent({ type: 'file-progress', file: { ...progress, stage, counts: { ...emptyCounts(), read: clock } } });
  }
  collector.onEvent({ type: 'notice', message: 'a <b>notice</b>' });
  collector.onEvent({ type: 'notice', message: `${path}: server unavailable, retrying`, retryOf: path });
  const result: LoadResult = {
    runId: 'run-1', table: 'public.t', mode: 'upsert', dryRun: false, createdTable: false, seconds: 6,
    files: [{ path, sha256: null, status: 'loaded', counts: { ...emptyCounts(), read: 10, inserted: 10 }, seconds: 2 }],
    totals: { ...emptyCounts(), read: 10, inserted: 10 }, concurrency: 2, internalConcurrency: 1, pool: null, exitCode: 0,
  };
  return buildRunReport({ source: 'cli', connection: 'me@db:5432/app', result, collected: collector.run, rejects: [], finishedAtMs: clock });
}

describe('run report', () => {
  it('times each stage of a file and derives its rates', () => {
    const report = sampleReport('a.csv');
    expect(report.files[0]?.stages.map((s) => [s.stage, s.startMs, s.endMs])).toEqual([['reading', 1500, 3000], ['staging', 3000, 4500], ['merging', 4500, 6000]]);
    expect(report.files[0]?.megabytesPerSecond).toBe(2);
    expect(report.files[0]?.retries).toBe(1);
    expect(report.settings).toEqual({ connection: 'me@db:5432/app', key: ['id'], conflictPolicy: 'last', order: 'name' });
    expect(report.throughput.length).toBeGreaterThan(0);
  });

  it('round-trips through JSON, and is valid by its own schema', () => {
    const report = sampleReport('a.csv');
    const parsed: unknown = JSON.parse(renderReport(report, 'json'));
    expect(parsed).toEqual(report);
    expect(runReportSchema.parse(parsed)).toEqual(report);
  });

  it('holds every field of the run result, unchanged: --json prints a subset of it', () => {
    expectTypeOf<RunReport>().toExtend<LoadResult>();
    const report = sampleReport('a.csv');
    const { files, ...rest } = report;
    expect(report).toMatchObject({ runId: 'run-1', table: 'public.t', mode: 'upsert', concurrency: 2, pool: null, exitCode: 0 });
    expect(files[0]).toMatchObject({ path: 'a.csv', sha256: null, status: 'loaded', seconds: 2 });
    expect(Object.keys(rest)).toEqual(expect.arrayContaining(['dryRun', 'createdTable', 'totals', 'seconds', 'internalConcurrency']));
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
    // The stage timeline draws the file's three stages; its rows and the file table name the file.
    expect(html.match(/class="span (reading|staging|merging)"/g)).toHaveLength(3);
    expect(html).toContain('&lt;script&gt;.csv');
  });

  it('keeps its series bounded on a long run', () => {
    let clock = 0;
    const collector = new RunCollector(() => clock);
    const progress = { path: 'a.csv', stage: 'reading' as const, bytesRead: 0, totalBytes: 10, rowsPerSecond: 0, etaSeconds: null, stagedRows: 0, mergedRows: 0 };
    for (let i = 0; i < 2000; i += 1) {
      clock += 1000;
      collector.onEvent({ type: 'file-progress', file: { ...progress, counts: { ...emptyCounts(), read: i * 10 } } });
    }
    expect(collector.run.throughput.length).toBeLessThanOrEqual(300);
    expect(collector.run.throughput.at(-1)?.atMs).toBeGreaterThan(1_900_000);
    expect(collector.run.throughput.slice(1).every((s) => s.rowsPerSecond === 10)).toBe(true); // the first sample starts from nothing read
  });
});
