// Query keys for what is read through a connection. `scope` includes the password version, so a
// newly typed password reads everything again instead of reusing answers to the old one.
export type ConnectionScope = readonly ['connection', string, number];

export const targetKeys = {
  /** Everything read through any connection. */
  all: ['connection'] as const,
  connections: () => ['connections'] as const,
  scope: (connectionId: string, passwordVersion: number): ConnectionScope => [...targetKeys.all, connectionId, passwordVersion],
  tables: (scope: ConnectionScope) => [...scope, 'tables'] as const,
  table: (scope: ConnectionScope, table: string) => [...scope, 'table', table] as const,
  suggestions: (scope: ConnectionScope, table: string, files: string[], map: Record<string, string | null>) =>
    [...scope, 'suggest', table, files, map] as const,
  serverTest: (scope: ConnectionScope) => [...scope, 'test'] as const,
};
