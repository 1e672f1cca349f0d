// Query keys of the rejects viewer: one page per rejects file of a run.
export const rejectsKeys = {
  all: ['rejects'] as const,
  page: (runId: string, path: string) => [...rejectsKeys.all, runId, path] as const,
};
