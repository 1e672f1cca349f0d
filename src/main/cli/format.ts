// Small number formats shared by the progress view and the summary table.

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export { formatBytes } from '../../shared/format-bytes.ts';

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60 ? `${m}m${String(s).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
