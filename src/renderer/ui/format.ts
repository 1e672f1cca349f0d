// Display formatting shared by the screens. Paths may come from Windows or POSIX main sides.

export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

const count = new Intl.NumberFormat();

export function formatCount(value: number): string {
  return count.format(value);
}

export { formatBytes } from '../../shared/format-bytes.ts';

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Under a second left is not "0.0 s left" for as long as the last step takes: it is finishing. */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'ETA unknown';
  return seconds < 1 ? 'finishing…' : `${formatDuration(seconds)} left`;
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString();
}
