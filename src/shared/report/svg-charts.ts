// Inline SVG charts for the HTML run report. Its CSP allows no scripts, fonts or external images, so each
// chart is one self-contained string styled with presentation attributes; src/shared builds strings, no DOM.
import type { PoolSample } from '../load-types.ts';
import type { RunReport, StageSpan, ThroughputSample } from '../report-types.ts';

type Scale = (value: number) => number;
type Point = readonly [ms: number, value: number];
/** The plot area, in viewBox units; margins outside it hold labels, legend and axis. */
interface Box { left: number; right: number; top: number; bottom: number }
interface LegendItem { label: string; color: string; dashed?: boolean }
interface Series extends LegendItem { name: string; points: readonly Point[] }

// Narrow, so that 12px text stays as large as it can once the chart shrinks to a phone's width.
const WIDTH = 640;
const INK = '#333';
const GRID = '#e6e6e6';
const STAGE_COLORS: Record<StageSpan['stage'], string> = { reading: '#4e79a7', staging: '#f28e2b', merging: '#59a14f' };
const ROW = 24;
const BAR = 14;
const MIN_BAR = 2; // a zero-length span (a stage that finished at once) must still show, if only as a sliver
const LABEL_CHARS = 24; // what fits in the timeline's left margin at font-size 12

/** Text for HTML or SVG, in content or in a quoted attribute. */
export function escapeMarkup(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

/** One decimal: finer is invisible and would double the output. */
const r = (n: number) => Math.round(n * 10) / 10;
/** Three significant digits, no trailing zeros: tick labels stay short and free of float noise (0.30000000000000004). */
const short = (n: number) => String(Number(n.toPrecision(3)));
const seconds = (ms: number) => `${short(ms / 1000)} s`;
/** Reduce rather than Math.max(...values): a long run has more samples than the argument limit allows. */
const maxOf = (values: readonly number[], floor: number) => values.reduce((m, v) => Math.max(m, v), floor);
/** Every domain starts at 0: time since the run started, and counts. */
const linear = (domainMax: number, from: number, to: number): Scale => (v) => from + (v / domainMax) * (to - from);

/** 12k, 1.5M: rates span orders of magnitude and the y-axis margin has room for about five characters. */
function compact(n: number): string {
  for (const [size, suffix] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (Math.abs(n) >= size) return short(n / size) + suffix;
  }
  return short(n);
}

/** Ticks from 0 in steps of 1, 2 or 5 × 10^k (at least `minStep`), about five, the last at or above `max` (> 0). */
function niceTicks(max: number, minStep = 0): number[] {
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(minStep, [1, 2, 5].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude);
  return Array.from({ length: Math.ceil(max / step - 1e-9) + 1 }, (_, i) => i * step);
}

function svg(id: string, title: string, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}" `
    + `style="width:100%;height:auto" font-family="system-ui,sans-serif" font-size="12">`
    + `<title id="${id}">${escapeMarkup(title)}</title>${body}</svg>`;
}

const empty = (message: string) => `<p class="empty">${escapeMarkup(message)}</p>`;

/** A row of swatches above the plot; text widths are estimated, as there is no DOM to measure with. */
function legend(items: readonly LegendItem[], x: number, y: number): string {
  let at = x;
  return items.map(({ label, color, dashed }) => {
    const swatch = dashed
      ? `<line x1="${r(at)}" y1="${y - 4}" x2="${r(at + 16)}" y2="${y - 4}" stroke="${color}" stroke-width="2" stroke-dasharray="4 3"/>`
      : `<rect x="${r(at + 3)}" y="${y - 9}" width="10" height="10" fill="${color}"/>`;
    const text = `<text x="${r(at + 20)}" y="${y}" fill="${INK}">${escapeMarkup(label)}</text>`;
    at += 20 + label.length * 6.8 + 16;
    return swatch + text;
  }).join('');
}

/** The x axis of every chart: seconds since the run started, with light vertical grid lines. */
function timeAxis(box: Box, x: Scale, endMs: number): string {
  const ticks = niceTicks(endMs / 1000).filter((t) => t * 1000 <= endMs * (1 + 1e-9));
  return ticks.map((t) => {
    const px = r(x(t * 1000));
    return `<line class="grid x" x1="${px}" y1="${box.top}" x2="${px}" y2="${box.bottom}" stroke="${GRID}"/>`
      + `<text class="tick x" x="${px}" y="${box.bottom + 16}" text-anchor="middle" fill="${INK}">${seconds(t * 1000)}</text>`;
  }).join('') + `<line class="axis" x1="${box.left}" y1="${box.bottom}" x2="${box.right}" y2="${box.bottom}" stroke="#999"/>`;
}

function valueAxis(box: Box, y: Scale, ticks: readonly number[]): string {
  return ticks.map((v) => {
    const py = r(y(v));
    return `<line class="grid y" x1="${box.left}" y1="${py}" x2="${box.right}" y2="${py}" stroke="${GRID}"/>`
      + `<text class="tick y" x="${box.left - 6}" y="${r(py + 4)}" text-anchor="end" fill="${INK}">${compact(v)}</text>`;
  }).join('');
}

function fileLabel(path: string): string {
  // Code points, not UTF-16 units, so the ellipsis never splits an emoji or other astral character.
  const chars = [...(path.split(/[/\\]/).pop() || path)];
  return chars.length > LABEL_CHARS ? `${chars.slice(0, LABEL_CHARS - 1).join('')}…` : chars.join('');
}

/** Stage timeline per file: one row per file, one bar per stage span, on the run's time axis. */
export function stageTimelineSvg(files: readonly { path: string; stages: readonly StageSpan[] }[], runMs: number): string {
  const spans = files.flatMap((file) => file.stages);
  if (spans.length === 0) return empty('No stage timings: no file started reading.');
  const endMs = maxOf(spans.map((span) => span.endMs), Math.max(runMs, 1));
  const box: Box = { left: 180, right: WIDTH - 24, top: 28, bottom: 28 + files.length * ROW };
  const x = linear(endMs, box.left, box.right);
  const rows = files.map((file, i) => {
    const rowTop = box.top + i * ROW;
    const name = fileLabel(file.path);
    // Longest first, so that a short span sharing its start with the next stage is drawn on top, not hidden.
    const bars = [...file.stages].sort((a, b) => (b.endMs - b.startMs) - (a.endMs - a.startMs)).map((span) => {
      // Clamped so that even a minimum-width bar at the very end stays inside the plot.
      const x0 = r(Math.min(Math.max(x(span.startMs), box.left), box.right - MIN_BAR));
      const x1 = r(Math.max(x(span.endMs), x0 + MIN_BAR));
      return `<rect class="span ${span.stage}" x="${x0}" y="${rowTop + (ROW - BAR) / 2}" width="${r(x1 - x0)}" height="${BAR}" fill="${STAGE_COLORS[span.stage]}">`
        + `<title>${escapeMarkup(name)}: ${span.stage} ${seconds(span.startMs)} – ${seconds(span.endMs)}</title></rect>`;
    }).join('');
    return `<g class="file"><title>${escapeMarkup(file.path)}</title>`
      + `<text x="8" y="${rowTop + ROW / 2 + 4}" fill="${INK}">${escapeMarkup(name)}</text>${bars}</g>`;
  }).join('');
  // Stripes guide the eye from a label to its bars; drawn first so the grid and bars lie on top.
  const stripes = files.map((_, i) => (i % 2 === 0 ? `<rect x="0" y="${box.top + i * ROW}" width="${WIDTH}" height="${ROW}" fill="#f6f6f6"/>` : '')).join('');
  const items = Object.entries(STAGE_COLORS).map(([label, color]) => ({ label, color }));
  return svg('keyload-timeline-title', 'Stage timeline per file', box.bottom + 26,
    legend(items, box.left, 16) + stripes + timeAxis(box, x, endMs) + rows);
}

/** A line through the series' points; a lone sample has no line, so it is a dot. */
function seriesShape(s: Series, x: Scale, y: Scale): string {
  const points = s.points.map(([ms, v]) => [r(x(ms)), r(y(v))] as const);
  const [only] = points;
  if (points.length === 1 && only) return `<circle class="line ${s.name}" cx="${only[0]}" cy="${only[1]}" r="3" fill="${s.color}"/>`;
  const d = points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${px} ${py}`).join('');
  return `<path class="line ${s.name}" d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"`
    + `${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
}

/** Lines of values over the run's time; the y axis ends on the first nice tick at or above the largest value. */
function lineChart(id: string, title: string, series: readonly Series[], minStep = 0): string {
  const box: Box = { left: 56, right: WIDTH - 24, top: 28, bottom: 208 };
  const all = series.flatMap((s) => s.points);
  const endMs = maxOf(all.map(([ms]) => ms), 1);
  // A floor of 1: an all-zero (or sub-unit) series still gets a 0–1 axis instead of a degenerate one.
  const yTicks = niceTicks(maxOf(all.map(([, v]) => v), 1), minStep);
  const x = linear(endMs, box.left, box.right);
  const y = linear(yTicks[yTicks.length - 1] ?? 1, box.bottom, box.top);
  const lines = series.map((s) => seriesShape(s, x, y)).join('');
  return svg(id, title, box.bottom + 26, legend(series, box.left, 16) + valueAxis(box, y, yTicks) + timeAxis(box, x, endMs) + lines);
}

export function throughputSvg(samples: readonly ThroughputSample[]): string {
  // One sample is a rate over the first second only: no line to draw.
  if (samples.length < 2) return empty('Too short for a throughput chart: the run took under two seconds.');
  return lineChart('keyload-throughput-title', 'Rows per second over time',
    [{ name: 'rows', label: 'rows per second', color: '#4e79a7', points: samples.map((s) => [s.atMs, s.rowsPerSecond]) }]);
}

export function poolSvg(samples: readonly PoolSample[], size: number): string {
  if (samples.length === 0) return empty('No connection-pool samples: the run took under a second.');
  const endMs = maxOf(samples.map((s) => s.atMs), 0);
  const line = (name: string, color: string, value: (s: PoolSample) => number): Series =>
    ({ name, label: name, color, points: samples.map((s) => [s.atMs, value(s)]) });
  // Connections are whole: steps of at least 1 keep the axis from reading 0.2 connections.
  return lineChart('keyload-pool-title', 'Database connections over time', [
    { name: 'size', label: `pool size (${size})`, color: '#999', dashed: true, points: [[0, size], [endMs, size]] },
    line('busy', '#4e79a7', (s) => s.total - s.idle),
    line('idle', '#76b7b2', (s) => s.idle),
    line('waiting', '#e15759', (s) => s.waiting),
  ], 1);
}

/** A report's charts, titled, as the HTML report and the app's History show them. */
export function reportCharts(report: RunReport): { title: string; svg: string }[] {
  return [
    { title: 'Stage timeline', svg: stageTimelineSvg(report.files, report.seconds * 1000) },
    { title: 'Rows read per second', svg: throughputSvg(report.throughput) },
    { title: 'Connection pool', svg: poolSvg(report.pool?.series ?? [], report.pool?.size ?? 0) },
  ];
}
