// Query keys of run history; everything under `all` is refreshed when a run finishes.
export const historyKeys = {
  all: ['runs'] as const,
  list: (search: string) => [...historyKeys.all, 'list', search] as const,
  detail: (runId: string) => [...historyKeys.all, 'detail', runId] as const,
};
