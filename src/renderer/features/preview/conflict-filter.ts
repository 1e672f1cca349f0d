// What the conflict list shows: a kind, a pair of files (from the overlap matrix), a column, a key search.
import type { ConflictKind } from '../../../shared/preview-types.ts';

export interface ConflictFilter {
  kind?: ConflictKind;
  files?: [string, string];
  column?: string;
  key?: string;
}

export const conflictKindText: Record<ConflictKind, string> = {
  duplicate: 'Within a file',
  'cross-file': 'Across files',
  target: 'Against the table',
  rejected: 'Rejected rows',
};

/** The filter as the engine takes it: empty choices left out. */
export function cleanFilter(filter: ConflictFilter): ConflictFilter {
  return {
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.files ? { files: filter.files } : {}),
    ...(filter.column ? { column: filter.column } : {}),
    ...(filter.key?.trim() ? { key: filter.key.trim() } : {}),
  };
}
