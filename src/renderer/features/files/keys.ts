// Query and mutation keys of the Files screen.
export const fileKeys = {
  all: ['files'] as const,
  /** Reading one file again with its format overrides; by path, so a row can tell it is being read. */
  reinspect: (path: string) => [...fileKeys.all, 'reinspect', path] as const,
};
