// The HTML report: one self-contained file, no external anything (the CSP forbids it), prints and reads on a phone.
import type { RunReport } from '../report-types.ts';
import { FILE_COLUMNS, fileRows } from './file-rows.ts';

function escapeHtml(value: string | number): string {
  return String(value).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1rem;color:#111}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:left}.wrap{overflow-x:auto}
@media print{.wrap{overflow:visible}body{margin:0}}@media (max-width:600px){body{font-size:13px}}`;

export function renderHtml(report: RunReport): string {
  const s = report.settings;
  const head = `<tr>${FILE_COLUMNS.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = fileRows(report).map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  const errors = report.errors.map((e) => `<li>${escapeHtml(`${e.code}: ${e.message}`)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keyload run ${escapeHtml(report.runId)}</title><style>${STYLE}</style></head><body>
<h1>Keyload run ${escapeHtml(report.runId)}</h1>
<p>${escapeHtml(s.connection)} · table ${escapeHtml(report.table)} · key ${escapeHtml(s.key.join(', ') || '(none)')} · ${escapeHtml(report.mode)} · exit code ${report.exitCode}</p>
<div class="wrap"><table>${head}
${rows}</table></div>
${errors ? `<h2>Errors</h2><ul>${errors}</ul>` : ''}
</body></html>
`;
}
