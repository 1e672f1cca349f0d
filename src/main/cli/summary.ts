// The end-of-run table, like pgloader's: one line per file, a total, then every error in full.
import { basename } from 'node:path';
import { formatError } from '../../shared/errors.ts';
import type { FileResult, LoadResult } from '../../shared/load-types.ts';
import { formatCount, formatSeconds } from './format.ts';

const headers = ['file', 'status', 'read', 'inserted', 'updated', 'unchanged', 'duplicates', 'superseded', 'rejected', 'time'];

/** A file's outcome in words; rows that landed before a failure or a cancel are never hidden. */
export function describeStatus(file: FileResult): string {
  const committed = `${formatCount(file.committedRows ?? 0)} rows committed; a re-run resumes`;
  if (file.status === 'partly-loaded') return `partly loaded: ${committed}`;
  if (file.status === 'cancelled') return file.committedRows ? `cancelled: ${committed}` : 'cancelled';
  if (file.status === 'skipped' && file.skipReason) return `skipped: ${file.skipReason}`;
  return file.status;
}

export function summaryTable(result: LoadResult): string {
  const row = (name: string, status: string, c: LoadResult['totals'], seconds: number) => [
    name,
    status,
    ...[c.read, c.inserted, c.updated, c.unchanged, c.collapsed, c.superseded, c.rejected].map(formatCount),
    formatSeconds(seconds),
  ];
  const rows = result.files.map((f) => row(basename(f.path), describeStatus(f), f.counts, f.seconds));
  rows.push(row('Total', result.dryRun ? 'dry run' : `exit ${result.exitCode}`, result.totals, result.seconds));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(headers), rule, ...rows.slice(0, -1).map(line), rule, line(rows.at(-1) ?? [])];
  if (result.pool) {
    const p = result.pool;
    out.push(`concurrency ${result.concurrency} x ${result.internalConcurrency}; connections: pool ${p.size}, peak ${p.peakTotal} open, average ${p.averageTotal}, peak ${p.peakWaiting} waiting`);
  }
  for (const file of result.files) {
    if (file.format) out.push(`read ${basename(file.path)} as ${file.format}`);
    if (file.error) out.push(`error: ${formatError(file.error)}`);
    if (file.rejectsFile) out.push(`rejects: ${file.rejectsFile}`);
  }
  return out.join('\n');
}
