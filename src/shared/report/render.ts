// One report, four renderings. Environment-neutral: the CLI writes them to files, the app shows them.
import type { ReportFormat, RunReport } from '../report-types.ts';
import { FILE_COLUMNS, fileRows, round } from './file-rows.ts';
import { renderHtml } from './render-html.ts';


export function renderReport(report: RunReport, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return renderCsv(report);
    case 'md':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
  }
}

/** A spreadsheet would run a cell starting with = + - @ (or tab/CR) as a formula: prefix it with '. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function renderCsv(report: RunReport): string {
  return [FILE_COLUMNS, ...fileRows(report)].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function markdownCell(value: string | number): string {
  return String(value).replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');
}

function renderMarkdown(report: RunReport): string {
  const s = report.settings;
  const lines = [
    `# Keyload run ${report.runId}`,
    '',
    `- Connection: ${s.connection}`,
    `- Table: ${report.table}; key: ${s.key.join(', ') || '(none)'}; mode: ${report.mode}; policy: ${s.conflictPolicy}; order: ${s.order}; concurrency: ${report.concurrency}${report.dryRun ? '; dry run' : ''}`,
    `- Started ${report.startedAt}, ${round(report.seconds)} s, exit code ${report.exitCode}`,
    '',
    `| ${FILE_COLUMNS.join(' | ')} |`,
    `|${FILE_COLUMNS.map(() => ' --- |').join('')}`,
    ...fileRows(report).map((row) => `| ${row.map(markdownCell).join(' | ')} |`),
  ];
  if (report.errors.length) lines.push('', '## Errors', '', ...report.errors.map((e) => `- ${markdownCell(`${e.code}: ${e.message}`)}`));
  if (report.notices.length) lines.push('', '## Notices', '', ...report.notices.map((n) => `- ${markdownCell(n)}`));
  for (const r of report.rejects) {
    lines.push('', `## Rejects of ${markdownCell(r.file)}`, '', `${r.count} rows in ${markdownCell(r.rejectsFile)}; the first:`, '', '```', ...r.firstRows.map((row) => row.map(csvCell).join(',')), '```');
  }
  return `${lines.join('\n')}\n`;
}
