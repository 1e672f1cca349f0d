// The report's scaling row: Keyload's time on 10x the rows against its time in the smaller case of
// the same run, judged against the case's limit, and named n/a when that case did not run.
import { describe, expect, it } from 'vitest';
import type { CaseResult, CaseSpec, DataFile, Scaling, TimedRun } from './cases.ts';
import { renderReport, type Report } from './report.ts';

const file: DataFile = { paths: ['/b/upsert.csv'], label: 'upsert.csv', rows: 1000, bytes: 1000 };
const tool = (name: string) => ({ name, argv: [name], env: {}, display: name });
const run = (seconds: number): TimedRun => ({ seconds, peakRssMb: 100, stages: null, counts: null, concurrency: null, fingerprint: 'same', before: null });

function result(id: CaseSpec['id'], keyloadSeconds: number, scaling?: CaseSpec['scaling']): CaseResult {
  const spec: CaseSpec = {
    id,
    title: id,
    start: null,
    baseline: { tool: tool('psql upsert'), file },
    subjects: [{ tool: tool('keyload'), file, target: { kind: 'ratio', max: 1.2 }, compared: true, table: 'baseline', sameCounts: false }],
    show: 'ratio',
    omitted: [],
    ...(scaling ? { scaling } : {}),
  };
  return { spec, baseline: [run(1), run(1), run(1)], subjects: [[run(keyloadSeconds), run(keyloadSeconds), run(keyloadSeconds)]] };
}

function report(results: CaseResult[]): string {
  const source = { commit: 'abc', dirty: [], hash: '0' };
  const machine = { cpus: '2', memory: '1 GiB', os: 'Linux', node: 'v22', postgres: '15.18', psql: 'psql 15', pgloader: 'no', gnuTime: true };
  const r: Report = { started: new Date(0), command: 'npm run bench', machine, source: { start: source, end: source }, results, skipped: [] };
  return renderReport(r);
}

const scalingRow = (text: string) => text.split('\n').find((line) => line.startsWith('| upsert-10m: scaling'));

describe('bench report scaling', () => {
  const scaling: Scaling = { against: 'upsert', rows: 10, max: 11 };

  it('divides the big case by the small one and passes within the limit', () => {
    const row = scalingRow(report([result('upsert', 2), result('upsert-10m', 20, scaling)]));
    expect(row).toContain('× 10.00');
    expect(row).toContain('| pass |');
  });

  it('fails past the limit', () => {
    const row = scalingRow(report([result('upsert', 2), result('upsert-10m', 24, scaling)]));
    expect(row).toContain('× 12.00');
    expect(row).toContain('**FAIL**');
  });

  it('says n/a when the smaller case did not run', () => {
    expect(scalingRow(report([result('upsert-10m', 20, scaling)]))).toContain('n/a (upsert not in this run)');
  });
});
