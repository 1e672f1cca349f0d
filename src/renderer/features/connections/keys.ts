// Query keys of saved connections and the built-in local database.
export const connectionKeys = {
  list: () => ['connections'] as const,
  local: () => ['local-database'] as const,
  system: () => ['system'] as const,
};
