// Query keys of run reports: one per finished run (a report never changes once written).
export const reportKeys = {
  all: ['report'] as const,
  run: (runId: string) => [...reportKeys.all, runId] as const,
};
