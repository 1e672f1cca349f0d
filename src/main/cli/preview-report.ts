// Human output of `keyload preview`: what the load would do, per file, and where keys collide.
import { basename } from 'node:path';
import { formatError } from '../../shared/errors.ts';
import type { ConflictEntry, PreviewSummary } from '../../shared/preview-types.ts';
import { formatCount } from './format.ts';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

const keyText = (key: Record<string, unknown>) => Object.values(key).map(String).join(', ');

export function describeConflict(entry: ConflictEntry): string {
  if (entry.reject) return `rejected ${basename(entry.reject.file)}:${entry.reject.line}${entry.reject.column ? ` (${entry.reject.column})` : ''}: ${entry.reject.reason}`;
  const shown = entry.columns.length > 0 ? entry.columns : Object.keys(entry.versions[0]?.values ?? {});
  const value = (values: Record<string, unknown>) => shown.map((c) => JSON.stringify(values[c] ?? null)).join('/');
  const versions = entry.versions.map((v) => `${basename(v.file)}:${v.line} ${value(v.values)}${v.winner ? ' <- wins' : ''}`);
  const stored = entry.stored ? `table ${value(entry.stored)}; ` : '';
  return `${entry.kind} (${keyText(entry.key)})${entry.columns.length > 0 ? ` [${entry.columns.join(', ')}]` : ''}: ${stored}${versions.join('; ')}`;
}

export function previewReport(summary: PreviewSummary, samples: ConflictEntry[]): string {
  const out = [`Preview of ${summary.files.length} file(s) into ${summary.table} (${summary.mode}, order ${summary.order}, policy ${summary.policy}); nothing was written.`, ''];
  const rows = summary.files.map((f) => [
    basename(f.path),
    f.skipReason ? `skipped: ${f.skipReason}` : f.status,
    ...[f.counts.read, f.counts.inserted, f.counts.updated, f.counts.unchanged, f.counts.collapsed, f.counts.rejected, f.duplicateKeys].map(formatCount),
  ]);
  const t = summary.totals;
  rows.push(['Total', '', ...[t.read, t.inserted, t.updated, t.unchanged, t.collapsed, t.rejected].map(formatCount), '']);
  out.push(...table(['file', 'status', 'read', 'insert', 'update', 'unchanged', 'duplicates', 'rejected', 'dup keys'], rows));
  for (const f of summary.files) if (f.error) out.push(`error: ${formatError(f.error)}`);
  if (summary.files.length > 1) {
    const names = summary.files.map((f) => basename(f.path));
    out.push('', 'Keys in both files:', ...table(['', ...names], summary.overlap.map((row, i) => [names[i] ?? '', ...row.map(formatCount)])));
  }
  const columns = summary.crossFile.columns.map((c) => `${c.column}: ${formatCount(c.keys)}`).join(', ');
  out.push('', `Keys with different values in different files: ${formatCount(summary.crossFile.keys)}${columns ? ` (${columns})` : ''}`);
  out.push(`Keys already in the table: ${formatCount(summary.target.existingKeys)}; ${formatCount(summary.target.changed)} would change${summary.policy === 'version' ? `, ${formatCount(summary.target.protectedKeys)} protected by the version policy` : ''}.`);
  if (samples.length > 0) out.push('', 'First conflicts:', ...samples.map((s) => `  ${describeConflict(s)}`));
  return out.join('\n');
}
