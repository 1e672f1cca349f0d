// The markdown report: machine, a summary table with pass/fail against the issues' targets, then
// per case the exact commands, every timing, peak memory, Keyload's stage split and row counts.
import type { RowCounts } from '../src/shared/load-types.ts';
import type { CaseId, CaseResult, CaseSpec, DataFile, Scaling, Subject, TimedRun } from './cases.ts';
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
const describeFile = (f: DataFile) => `${f.label} (${count(f.rows)} rows, ${(f.bytes / 1e6).toFixed(1)} MB)`;
const seconds = (runs: TimedRun[]) => median(runs.map((r) => r.seconds));

function peakRss(runs: TimedRun[]): number | null {
  const known = runs.map((r) => r.peakRssMb).filter((r): r is number => r !== null);
  return known.length ? Math.max(...known) : null;
}

/** One subject of a case with its runs. */
interface Entry {
  spec: CaseSpec;
  subject: Subject;
  baseline: TimedRun[];
  runs: TimedRun[];
}

const entries = (r: CaseResult): Entry[] => r.spec.subjects.map((subject, i) => ({ spec: r.spec, subject, baseline: r.baseline, runs: r.subjects[i] ?? [] }));

const sameCounts = (a: RowCounts | null, b: RowCounts | null) => a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);

/** Why the subject's runs cannot be trusted, or null: tables and counts as the case requires. */
function inconsistency(e: Entry): string | null {
  const baselinePrints = new Set(e.baseline.map((r) => r.fingerprint));
  if (baselinePrints.size !== 1) return 'baseline runs differ';
  if (e.subject.table === 'baseline' && e.runs.some((r) => !baselinePrints.has(r.fingerprint))) return 'tables differ';
  if (e.subject.table === 'unchanged' && e.runs.some((r) => r.fingerprint !== r.before)) return 'table changed';
  if (e.subject.sameCounts && e.runs.some((r) => !sameCounts(r.counts, medianRun(e.baseline)?.counts ?? null))) return 'counts differ';
  return null;
}

/** time(subject) / time(baseline). */
const ratio = (e: Entry) => seconds(e.runs) / seconds(e.baseline);

/** The ratio, or in a speed-up case the speed-up (labelled where the column does not say so). */
function comparison(e: Entry, label = false): string {
  if (!e.subject.compared) return '—';
  return e.spec.show === 'speedup' ? `${label ? 'speed-up ' : ''}${(1 / ratio(e)).toFixed(2)}` : ratio(e).toFixed(2);
}

function targetText(e: Entry): string {
  const target = e.subject.target;
  if (!target) return 'none (comparison)';
  if (target.kind === 'ratio') return `ratio ≤ ${target.max}`;
  if (target.kind === 'speedup') return `speed-up ≥ ${target.min}`;
  return `peak RSS ≤ ${target.maxMb} MB`;
}

function verdict(e: Entry): string {
  const problem = inconsistency(e);
  if (problem) return `**FAIL** (${problem})`;
  const target = e.subject.target;
  if (!target) return '—';
  if (target.kind === 'ratio') return ratio(e) <= target.max ? 'pass' : '**FAIL**';
  if (target.kind === 'speedup') return 1 / ratio(e) >= target.min ? 'pass' : '**FAIL**';
  const rss = peakRss(e.runs);
  if (rss === null) return 'n/a (no GNU time)';
  return rss <= target.maxMb ? 'pass' : '**FAIL**';
}

/** Keyload's time in a case against its time in a smaller case of the same run (first subjects of each). */
interface ScalingCheck {
  scaling: Scaling;
  subject: Entry;
  /** The smaller case's first subject; null when that case did not run. */
  against: Entry | null;
  factor: number | null;
  verdict: string;
}

function scalingCheck(r: CaseResult, results: CaseResult[]): ScalingCheck | null {
  const scaling = r.spec.scaling;
  const [subject] = entries(r);
  if (!scaling || !subject) return null;
  const other = results.find((o) => o.spec.id === scaling.against);
  const against = (other && entries(other)[0]) ?? null;
  if (!against) return { scaling, subject, against, factor: null, verdict: `n/a (${scaling.against} not in this run)` };
  const factor = seconds(subject.runs) / seconds(against.runs);
  const problem = inconsistency(subject) ?? inconsistency(against);
  return { scaling, subject, against, factor, verdict: problem ? `**FAIL** (${problem})` : factor <= scaling.max ? 'pass' : '**FAIL**' };
}

const scalingTarget = ({ scaling }: ScalingCheck) => `time ≤ ${scaling.max}× ${scaling.against}'s (${scaling.rows}× the rows)`;
const factorText = (check: ScalingCheck) => (check.factor === null ? 'n/a' : `× ${check.factor.toFixed(2)}`);

function summary(results: CaseResult[]): string[] {
  const lines = [
    '| case | data | baseline | baseline median (s) | subject | subject median (s) | ratio | target | result | subject peak RSS (MB) |',
    '| --- | --- | --- | ---: | --- | ---: | ---: | --- | --- | ---: |',
  ];
  for (const r of results) {
    for (const [i, e] of entries(r).entries()) {
      const cells = [
        i === 0 ? `${r.spec.id}: ${r.spec.title}` : `${r.spec.id}`,
        describeFile(e.subject.file),
        e.subject.compared ? r.spec.baseline.tool.name : '—',
        e.subject.compared ? secs(seconds(r.baseline)) : '—',
        e.subject.tool.name,
        secs(seconds(e.runs)),
        comparison(e, true),
        targetText(e),
        verdict(e),
        mb(peakRss(e.runs)),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
    const check = scalingCheck(r, results);
    if (check) {
      const { scaling, subject, against } = check;
      const cells = [
        `${r.spec.id}: scaling`,
        `${scaling.rows}× the rows of ${scaling.against}`,
        against ? `${against.subject.tool.name} in ${scaling.against}` : '—',
        against ? secs(seconds(against.runs)) : '—',
        subject.subject.tool.name,
        secs(seconds(subject.runs)),
        factorText(check),
        scalingTarget(check),
        check.verdict,
        '—',
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  return lines;
}

function stageText(run: TimedRun): string | null {
  const s = run.stages;
  if (!s) return null;
  const parts = [
    `start-up + plan ${secs(s.plan)} s`,
    `staging ${secs(s.staging)} s`,
    ...(s.files > 1 && s.merging !== null ? [`staging and merging ${secs(s.overlap)} s`] : []),
    ...(s.merging === null ? [] : [`merging ${secs(s.merging)} s`]),
    `exit ${secs(s.exit)} s`,
  ];
  return parts.join(' · ');
}

function countsText(c: RowCounts): string {
  return `read ${count(c.read)}, inserted ${count(c.inserted)}, updated ${count(c.updated)}, unchanged ${count(c.unchanged)}, collapsed ${count(c.collapsed)}, superseded ${count(c.superseded)}, rejected ${count(c.rejected)}`;
}

function details(r: CaseResult, results: CaseResult[]): string[] {
  const { spec } = r;
  const all = entries(r);
  const lines = [`### ${spec.id}: ${spec.title}`, ''];
  lines.push(`- Table before each run: ${spec.start ? `${describeFile(spec.start)} loaded with psql \\copy, then VACUUM ANALYZE` : 'empty'}; CHECKPOINT; then the timed command.`);
  const files = [...new Set([spec.baseline.file, ...spec.subjects.map((s) => s.file)])];
  lines.push(`- Data: ${files.map(describeFile).join('; ')}.`);
  lines.push(...spec.omitted.map((o) => `- Left out of this run: ${o}.`));
  lines.push('', '```sh', `# baseline: ${spec.baseline.tool.name}`, spec.baseline.tool.display.trimEnd());
  for (const s of spec.subjects) lines.push('', `# ${s.tool.name}`, s.tool.display.trimEnd());
  lines.push('```', '');
  const versus = spec.show === 'speedup' ? `speed-up (${spec.baseline.tool.name} time / its time)` : `ratio (its time / ${spec.baseline.tool.name} time)`;
  lines.push(`| tool | data | median (s) | runs (s) | ${versus} | target | result | peak RSS, max of runs (MB) |`, '| --- | --- | ---: | --- | ---: | --- | --- | ---: |');
  const row = (name: string, file: DataFile, runs: TimedRun[], cells: string[]) =>
    lines.push(`| ${name} | ${file.label} | ${secs(seconds(runs))} | ${runs.map((x) => secs(x.seconds)).join(' / ')} | ${cells.join(' | ')} | ${mb(peakRss(runs))} |`);
  row(`${spec.baseline.tool.name} (baseline)`, spec.baseline.file, r.baseline, ['', '', '']);
  for (const e of all) row(e.subject.tool.name, e.subject.file, e.runs, [comparison(e), targetText(e), verdict(e)]);
  lines.push('');
  const check = scalingCheck(r, results);
  if (check) {
    const versus = check.against ? `its ${secs(seconds(check.against.runs))} s in ${check.scaling.against}` : `its time in ${check.scaling.against}`;
    lines.push(`Scaling: ${check.subject.subject.tool.name}'s ${secs(seconds(check.subject.runs))} s here against ${versus} (same run): ${factorText(check)}; target ${scalingTarget(check)}: ${check.verdict}.`, '');
  }
  const keyloadRuns = [
    ...(spec.baseline.tool.keyload ? [{ name: spec.baseline.tool.name, runs: r.baseline }] : []),
    ...all.filter((e) => e.subject.tool.keyload).map((e) => ({ name: e.subject.tool.name, runs: e.runs })),
  ];
  const splits = keyloadRuns.flatMap(({ name, runs }) => {
    const run = medianRun(runs);
    const text = run && stageText(run);
    return text && run ? [`- ${name} (${secs(run.seconds)} s): ${text}.`] : [];
  });
  const overlapNote = all.some((e) => e.subject.file.paths.length > 1)
    ? ' (with several files: staging until the first merge starts, then staging and merging until the last file\'s first merge, then merging only)'
    : '';
  if (splits.length) lines.push(`Keyload stage split of the median run${overlapNote}:`, '', ...splits, '');
  const counts = keyloadRuns.flatMap(({ name, runs }) => {
    const run = medianRun(runs);
    const c = run?.counts;
    return c ? [`- ${name}: ${countsText(c)}${run?.concurrency ? `; ran at concurrency ${run.concurrency}` : ''}.`] : [];
  });
  if (counts.length) lines.push('Keyload counts (median run):', '', ...counts, '');
  const baselinePrints = [...new Set(r.baseline.map((x) => x.fingerprint))];
  lines.push(baselinePrints.length === 1 ? `Every ${spec.baseline.tool.name} run left ${baselinePrints[0]}.` : `**${spec.baseline.tool.name}'s runs left different tables:** ${baselinePrints.join('; ')}.`);
  for (const e of all) {
    if (e.subject.table === 'unchecked') {
      lines.push(`${e.subject.tool.name}: table not checked (for scale only: which file's row wins a shared key depends on timing).`);
      continue;
    }
    const problem = inconsistency(e);
    const expectation =
      e.subject.table === 'baseline' ? `left the same table as ${spec.baseline.tool.name}` : 'left the table as it found it';
    const counted = e.subject.sameCounts ? ` and reported the counts of ${spec.baseline.tool.name}` : '';
    lines.push(
      problem
        ? `**${e.subject.tool.name}: ${problem}** (tables: ${[...new Set(e.runs.map((x) => x.fingerprint))].join('; ')}).`
        : `Every ${e.subject.tool.name} run ${expectation}${counted}.`,
    );
  }
  lines.push('');
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
    `- Node ${m.node}; PostgreSQL server ${m.postgres}, default settings, fsync on; ${m.psql}; pgloader: ${m.pgloader}`,
    `- Keyload: ${describeSource(report.source.start)}`,
    ...(report.source.end.hash === report.source.start.hash
      ? []
      : [`- **Warning: Keyload's sources changed during this run** (now ${describeSource(report.source.end)}): the results mix versions; run again.`]),
    `- Peak RSS from GNU time: ${m.gnuTime ? 'yes' : 'no (not installed: RSS columns are n/a)'}`,
    '- Times are wall-clock seconds of the whole child process (start-up included); each command is run 3 times, median reported.',
    '- Ratio = median(subject) / median(baseline), lower is better; in the parallel case the speed-up = median(psql loop) / median(Keyload), higher is better (> 1: Keyload faster).',
    '',
    ...summary(report.results),
    '',
    ...report.skipped.map((s) => `- Skipped ${s.id}: ${s.reason}`),
    ...report.results.flatMap((r) => r.spec.omitted.map((o) => `- Left out of ${r.spec.id}: ${o}`)),
    ...(report.skipped.length || report.results.some((r) => r.spec.omitted.length) ? [''] : []),
    '## Cases',
    '',
    ...report.results.flatMap((r) => details(r, report.results)),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
