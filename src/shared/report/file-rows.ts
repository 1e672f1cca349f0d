// The per-file table every rendering shows, in one place so CSV, Markdown and HTML agree.
import type { RunReport } from '../report-types.ts';

export const FILE_COLUMNS = ['path', 'format', 'size_bytes', 'read', 'inserted', 'updated', 'unchanged', 'superseded', 'duplicates', 'rejected', 'retries', 'seconds', 'mb_per_s', 'rows_per_s', 'outcome'] as const;

export function fileRows(report: RunReport): (string | number)[][] {
  return report.files.map((f) => [
    f.path, f.format ?? '', f.sizeBytes, f.counts.read, f.counts.inserted, f.counts.updated, f.counts.unchanged,
    f.counts.superseded, f.counts.collapsed, f.counts.rejected, f.retries, round(f.seconds), round(f.megabytesPerSecond), Math.round(f.rowsPerSecond), f.status,
  ]);
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

