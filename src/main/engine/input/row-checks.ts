// Why the reader rejects a row before it reaches the database: shared by loading and the preview,
// so both say the same thing about the same row.

export const NUL_REASON = 'value contains a NUL byte, which PostgreSQL text cannot store';

export function fieldCountReason(expected: number, found: number): string {
  return `expected ${expected} fields, found ${found}`;
}
