// How many rows a file holds, as the Files screen shows it.
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import { plural } from '../../../shared/plural.ts';

/** "1,204 rows" (Parquet: exact), "≈ 1,200 rows" (CSV: estimated), null when unknown. */
export function formatRowEstimate(file: Pick<FileInspection, 'type' | 'rowEstimate' | 'error'>): string | null {
  if (file.error || file.rowEstimate === null) return null;
  if (file.type === 'parquet') return rows(file.rowEstimate);
  return `≈ ${rows(roughly(file.rowEstimate))}`;
}

function rows(count: number): string {
  return plural(count, 'row');
}

/** Two significant digits: a CSV estimate is scaled from the first megabyte, so its last digits are noise. */
function roughly(count: number): number {
  if (count < 100) return count;
  const step = 10 ** (String(Math.round(count)).length - 2);
  return Math.round(count / step) * step;
}
