// Query keys for what is read through a connection. `scope` includes the password version, so a
// newly typed password reads everything again instead of reusing answers to the old one.
import type { FileOverrides } from '../../../shared/load-options.ts';
export type ConnectionScope = readonly ['connection', string, number];

export const targetKeys = {
  /** Everything read through any connection. */
  all: ['connection'] as const,
  /** Saved mapping profiles: kept by the app, not by a connection. */
  profiles: () => ['profiles'] as const,
  scope: (connectionId: string, passwordVersion: number): ConnectionScope => [...targetKeys.all, connectionId, passwordVersion],
  tables: (scope: ConnectionScope) => [...scope, 'tables'] as const,
  table: (scope: ConnectionScope, table: string) => [...scope, 'table', table] as const,
  suggestions: (scope: ConnectionScope, table: string, files: string[], map: Record<string, string | null>, overrides: Record<string, FileOverrides>) =>
    [...scope, 'suggest', table, files, map, overrides] as const,
  serverTest: (scope: ConnectionScope) => [...scope, 'test'] as const,
  /** A new table's proposed columns: read from the files, not through a connection. */
  proposedColumns: (files: string[], overrides: Record<string, FileOverrides>) => ['proposed-columns', files, overrides] as const,
};
