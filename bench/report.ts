// The markdown report: machine, a summary table with pass/fail against the issue's targets, then
// per case the exact commands, every timing, peak memory, Keyload's stage split and row counts.
import { basename } from 'node:path';
import type { CaseId, CaseResult, DataFile, TimedRun } from './cases.ts';
import { describeSource, type SourceState } from './source-state.ts';

export interface Machine {
  cpus: string;
  memory: string;
  os: string;
  node: string;
  postgres: string;
  psql: string;
  pgloader: string;
  gnuTime: boolean;
}

export interface Report {
  started: Date;
  command: string;
  machine: Machine;
  /** Keyload's sources when the run started and when it ended. */
  source: { start: SourceState; end: SourceState };
  results: CaseResult[];
  skipped: { id: CaseId; reason: string }[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The run whose time is the median, for its stage split and counts. */
function medianRun(runs: TimedRun[]): TimedRun | undefined {
  const m = median(runs.map((r) => r.seconds));
  return runs.find((r) => r.seconds === m) ?? runs[0];
}

const secs = (s: number) => s.toFixed(2);
const mb = (n: number | null) => (n === null ? 'n/a' : n.toFixed(0));
const count = (n: number) => n.toLocaleString('en-US');
const describeFile = (f: DataFile) => `${basename(f.path)} (${count(f.rows)} rows, ${(f.bytes / 1e6).toFixed(1)} MB)`;

function peakRss(runs: TimedRun[]): number | null {
  const known = runs.map((r) => r.peakRssMb).filter((r): r is number => r !== null);
  return known.length ? Math.max(...known) : null;
}

function consistent(result: CaseResult): boolean {
  return new Set([...result.baseline, ...result.subject].map((r) => r.fingerprint)).size === 1;
}

function ratio(result: CaseResult): number {
  return median(result.subject.map((r) => r.seconds)) / median(result.baseline.map((r) => r.seconds));
}

function targetText(result: CaseResult): string {
  const target = result.spec.target;
  if (!target) return 'none (comparison)';
  return target.kind === 'ratio' ? `ratio ≤ ${target.max}` : `peak RSS ≤ ${target.maxMb} MB`;
}

function verdict(result: CaseResult): string {
  if (!consistent(result)) return '**FAIL** (tables differ)';
  const target = result.spec.target;
  if (!target) return '—';
  const value = target.kind === 'ratio' ? ratio(result) : peakRss(result.subject);
  if (value === null) return 'n/a (no GNU time)';
  return value <= (target.kind === 'ratio' ? target.max : target.maxMb) ? 'pass' : '**FAIL**';
}

function summary(results: CaseResult[]): string[] {
  const lines = [
    '| case | data | psql median (s) | subject | subject median (s) | ratio | target | result | subject peak RSS (MB) |',
    '| --- | --- | ---: | --- | ---: | ---: | --- | --- | ---: |',
  ];
  for (const r of results) {
    const cells = [
      `${r.spec.id}: ${r.spec.title}`,
      describeFile(r.spec.file),
      secs(median(r.baseline.map((x) => x.seconds))),
      r.spec.subject.name,
      secs(median(r.subject.map((x) => x.seconds))),
      ratio(r).toFixed(2),
      targetText(r),
      verdict(r),
      mb(peakRss(r.subject)),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function details(r: CaseResult): string[] {
  const { spec } = r;
  const lines = [`### ${spec.id}: ${spec.title}`, ''];
  lines.push(`- Table before each run: ${spec.start ? `${describeFile(spec.start)} loaded with psql \\copy, then VACUUM ANALYZE` : 'empty'}; CHECKPOINT; then the timed command.`);
  lines.push(`- ${spec.subject.name} loads ${describeFile(spec.file)}${spec.baselineFile === spec.file ? '' : `; psql loads ${describeFile(spec.baselineFile)}`}.`);
  lines.push('', '```sh', `# baseline: ${spec.baseline.name}`, spec.baseline.display.trimEnd(), '', `# subject: ${spec.subject.name}`, spec.subject.display.trimEnd(), '```', '');
  lines.push('| tool | median (s) | runs (s) | peak RSS, max of runs (MB) |', '| --- | ---: | --- | ---: |');
  for (const [tool, runs] of [[spec.baseline, r.baseline], [spec.subject, r.subject]] as const) {
    lines.push(`| ${tool.name} | ${secs(median(runs.map((x) => x.seconds)))} | ${runs.map((x) => secs(x.seconds)).join(' / ')} | ${mb(peakRss(runs))} |`);
  }
  lines.push('', `Ratio ${spec.subject.name}/psql: **${ratio(r).toFixed(2)}**; target: ${targetText(r)}; result: ${verdict(r)}.`);
  const run = medianRun(r.subject);
  if (run?.stages) {
    const s = run.stages;
    const parts = [`start-up + plan ${secs(s.plan)} s`, `staging ${secs(s.staging)} s`, ...(s.merging === null ? [] : [`merging ${secs(s.merging)} s`]), `exit ${secs(s.exit)} s`];
    lines.push('', `Keyload stage split (median run, ${secs(run.seconds)} s): ${parts.join(' · ')}.`);
  }
  if (run?.counts) {
    const c = run.counts;
    lines.push('', `Keyload counts: read ${count(c.read)}, inserted ${count(c.inserted)}, updated ${count(c.updated)}, unchanged ${count(c.unchanged)}, collapsed ${count(c.collapsed)}, rejected ${count(c.rejected)}.`);
  }
  const prints = [...new Set([...r.baseline, ...r.subject].map((x) => x.fingerprint))];
  lines.push('', consistent(r) ? `Every run left the same table: ${prints[0]}.` : `**Runs left different tables:** ${prints.join('; ')}.`, '');
  return lines;
}

export function renderReport(report: Report): string {
  const m = report.machine;
  const lines = [
    '# Keyload benchmark results',
    '',
    `Run ${report.started.toISOString()} with \`${report.command}\`.`,
    '',
    `- Machine: ${m.cpus}, ${m.memory} RAM, ${m.os}`,
    `- Node ${m.node}; PostgreSQL server ${m.postgres} (embedded, default settings, fsync on); ${m.psql}; pgloader: ${m.pgloader}`,
    `- Keyload: ${describeSource(report.source.start)}`,
    ...(report.source.end.hash === report.source.start.hash
      ? []
      : [`- **Warning: Keyload's sources changed during this run** (now ${describeSource(report.source.end)}): the results mix versions; run again.`]),
    `- Peak RSS from GNU time: ${m.gnuTime ? 'yes' : 'no (not installed: RSS columns are n/a)'}`,
    '- Times are wall-clock seconds of the whole child process (start-up included); each case is run 3 times, median reported. Ratio = median(subject) / median(psql).',
    '',
    ...summary(report.results),
    '',
    ...report.skipped.map((s) => `- Skipped ${s.id}: ${s.reason}`),
    ...(report.skipped.length ? [''] : []),
    '## Cases',
    '',
    ...report.results.flatMap(details),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
