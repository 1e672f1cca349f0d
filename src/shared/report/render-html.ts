// The HTML report: one self-contained file with inline CSS and SVG charts and nothing external (its
// CSP forbids it). It reads on a phone (the tables scroll sideways, the charts scale) and prints.
import { formatBytes } from '../format-bytes.ts';
import type { RunReport } from '../report-types.ts';
import { FILE_COLUMNS, fileRows, round } from './file-rows.ts';
import { escapeMarkup, reportCharts } from './svg-charts.ts';

const e = (value: string | number) => escapeMarkup(String(value));

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.75rem 0 .5rem}
.meta{color:#555;margin:0 0 1rem}dl.settings{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0}
dl.settings dt{color:#555}dl.settings dd{margin:0;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.5rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.5rem .75rem}.card b{display:block;font-size:1.35rem}.card span{color:#555;font-size:.85rem}
.wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th{background:#f4f4f4}.outcome-failed,.outcome-partly-loaded{color:#b00020;font-weight:600}.empty{color:#666}
.chart{margin:.5rem 0 1rem;break-inside:avoid;overflow-x:auto;max-width:52rem}.chart svg{min-width:34rem}ul{padding-left:1.25rem}li{overflow-wrap:anywhere}
@media (max-width:600px){body{font-size:13px;margin:.75rem auto}.cards{grid-template-columns:repeat(3,1fr)}.card{padding:.35rem .5rem}.card b{font-size:1.05rem}}
@media print{body{margin:0;max-width:none}.wrap,.chart{overflow:visible}.chart svg{min-width:0}table{font-size:10px}h2{break-after:avoid}}`;

function cards(report: RunReport): string {
  const t = report.totals;
  const items: [string, number][] = [['rows read', t.read], ['inserted', t.inserted], ['updated', t.updated], ['unchanged', t.unchanged], ['duplicates', t.collapsed], ['superseded', t.superseded], ['rejected', t.rejected]];
  return `<div class="cards">${items.map(([label, n]) => `<div class="card"><b>${e(n.toLocaleString('en-US'))}</b><span>${e(label)}</span></div>`).join('')}</div>`;
}

function settings(report: RunReport): string {
  const s = report.settings;
  const rows: [string, string][] = [
    ['Connection', s.connection],
    ['Table', `${report.table}${report.createdTable ? ' (created by this run)' : ''}`],
    ['Key', s.key.join(', ') || '(none)'],
    ['Mode', `${report.mode}${report.dryRun ? ' (dry run: nothing written)' : ''}`],
    ['Conflict policy', s.conflictPolicy],
    ['File order', s.order],
    ['Concurrency', `${report.concurrency} files at once, ${report.internalConcurrency} lanes each`],
  ];
  return `<dl class="settings">${rows.map(([name, value]) => `<dt>${e(name)}</dt><dd>${e(value)}</dd>`).join('')}</dl>`;
}

const NUMERIC = new Set<string>(FILE_COLUMNS.slice(2, -1));

function filesTable(report: RunReport): string {
  const head = `<tr>${FILE_COLUMNS.map((c) => `<th>${e(c)}</th>`).join('')}</tr>`;
  const rows = fileRows(report).map((row) => {
    const cells = row.map((cell, i) => {
      const column = FILE_COLUMNS[i] ?? '';
      const kind = NUMERIC.has(column) ? ' class="n"' : column === 'outcome' ? ` class="outcome-${e(cell)}"` : '';
      return `<td${kind}>${e(typeof cell === 'number' ? cell.toLocaleString('en-US') : cell)}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<div class="wrap"><table>${head}${rows.join('')}</table></div>`;
}

function list(title: string, items: string[]): string {
  return items.length ? `<h2>${e(title)}</h2><ul>${items.map((item) => `<li>${e(item)}</li>`).join('')}</ul>` : '';
}

function rejects(report: RunReport): string {
  return report.rejects
    .map((r) => {
      const [header = [], ...rows] = r.firstRows;
      const table = r.firstRows.length
        ? `<div class="wrap"><table><tr>${header.map((c) => `<th>${e(c)}</th>`).join('')}</tr>${rows.map((row) => `<tr>${row.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`).join('')}</table></div>`
        : '<p class="empty">The rejects file could not be read back.</p>';
      const shown = rows.length < r.count ? `, the first ${rows.length}` : '';
      return `<h2>Rejects of ${e(r.file)}</h2><p>${e(r.count.toLocaleString('en-US'))} rows in ${e(r.rejectsFile)}${e(shown)}:</p>${table}`;
    })
    .join('');
}

export function renderHtml(report: RunReport): string {
  const outcome = report.exitCode === 0 ? 'loaded' : report.exitCode === 3 ? 'loaded with rejected rows' : 'failed';
  const bytes = report.files.reduce((n, f) => n + f.sizeBytes, 0);
  const errors = report.errors.map((error) => `${error.code}: ${error.message}${error.file ? ` (${error.file}${error.line ? `, line ${error.line}` : ''})` : ''}`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keyload run ${e(report.runId)}</title><style>${STYLE}</style></head><body>
<h1>Keyload run: ${e(report.table)}, ${e(outcome)}</h1>
<p class="meta">Run ${e(report.runId)} from the ${report.source === 'app' ? 'app' : 'command line'} · started ${e(report.startedAt.replace('T', ' ').slice(0, 19))} UTC · ${e(round(report.seconds))} s · ${e(report.files.length)} files, ${e(formatBytes(bytes))} · exit code ${e(report.exitCode)}</p>
${settings(report)}
${cards(report)}
<h2>Files</h2>
${filesTable(report)}
${reportCharts(report).map((chart) => `<h2>${e(chart.title)}</h2><div class="chart">${chart.svg}</div>`).join('\n')}
${list('Errors', errors)}
${list('Notices', report.notices)}
${rejects(report)}
</body></html>
`;
}
