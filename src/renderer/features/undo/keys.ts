// Query keys of undo: a run's dry run (what undoing it would do), asked when the dialog opens.
export const undoKeys = {
  all: ['undo'] as const,
  preview: (runId: string) => [...undoKeys.all, 'preview', runId] as const,
};
