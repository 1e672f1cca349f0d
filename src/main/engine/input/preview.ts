// A file's first rows exactly as loading reads them (dialect, CSV options, field counts), with the
// cells that would be rejected marked: by the reader (wrong field count, an unreadable date, NUL),
// or, for CSV, by the type detected for the column. Parquet values come typed from the file.
import { valueType, widenType, type InferredType } from './infer-types.ts';
import { openSource } from './open-source.ts';
import { fieldCountReason, NUL_REASON } from './row-checks.ts';
import type { OpenSourceOptions, SourceColumn, SourceDescription, SourceRow } from './source.ts';

export const PREVIEW_ROWS = 100;

export interface InvalidCell {
  /** Index into rows. */
  row: number;
  /** Index into columns. */
  column: number;
  reason: string;
}

export interface SourcePreview {
  description: SourceDescription;
  columns: SourceColumn[];
  /** One cell per column: missing fields are null, fields beyond the columns are left out. */
  rows: (string | null)[][];
  lines: number[];
  invalidCells: InvalidCell[];
}

// The types CSV inference proposes; only their input syntax is checked here.
const CHECKED_TYPES: readonly InferredType[] = ['bigint', 'numeric', 'double precision', 'boolean', 'date', 'timestamp', 'timestamptz', 'uuid'];

export async function previewSource(path: string, options: OpenSourceOptions, limit = PREVIEW_ROWS): Promise<SourcePreview> {
  const source = await openSource(path, options);
  try {
    const taken: SourceRow[] = [];
    for await (const chunk of source.rows()) {
      taken.push(...chunk.slice(0, limit - taken.length));
      if (taken.length >= limit) break;
    }
    const { columns, description } = source;
    const checked = description.type === 'csv' ? columns.map((column) => CHECKED_TYPES.find((type) => type === column.pgType) ?? null) : [];
    const invalidCells: InvalidCell[] = [];
    const rows = taken.map((row, index) => {
      invalidCells.push(...rowProblems(row, index, columns.length, checked));
      return Array.from(columns, (_, column) => row.values[column] ?? null);
    });
    return { description, columns, rows, lines: taken.map((row) => row.line), invalidCells };
  } finally {
    await source.close();
  }
}

/** Everything that would keep this row out of the table, cell by cell. */
function rowProblems(row: SourceRow, index: number, columnCount: number, checked: (InferredType | null)[]): InvalidCell[] {
  const found = row.values.length;
  if (found !== columnCount) {
    // The whole row is rejected; mark where it goes wrong: the first missing field, or the last column.
    const column = Math.max(0, Math.min(found, columnCount - 1));
    return [{ row: index, column, reason: fieldCountReason(columnCount, found) }];
  }
  const problems: InvalidCell[] = [];
  if (row.reject) problems.push({ row: index, column: row.reject.column, reason: row.reject.reason });
  row.values.forEach((value, column) => {
    if (value === null || column === row.reject?.column) return;
    if (value.includes('\0')) {
      problems.push({ row: index, column, reason: NUL_REASON });
      return;
    }
    const type = checked[column];
    if (type && !fits(value, type)) problems.push({ row: index, column, reason: `invalid input syntax for type ${type}: ${JSON.stringify(value)}` });
  });
  return problems;
}

// Inference is strict (a value with leading zeros or spaces samples as text), but PostgreSQL reads
// those as numbers, booleans and dates; the preview must not mark what the load will accept.
const LENIENT_TYPES: readonly InferredType[] = ['bigint', 'numeric', 'double precision', 'boolean', 'date'];

function fits(value: string, type: InferredType): boolean {
  if (widenType(valueType(value), type) === type) return true;
  if (!LENIENT_TYPES.includes(type)) return false;
  const relaxed = value.trim().replace(/^([+-]?)0+(?=\d)/, '$1');
  return relaxed !== value && relaxed !== '' && widenType(valueType(relaxed), type) === type;
}
