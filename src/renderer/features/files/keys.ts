// Query and mutation keys of the Files screen.
import type { FileOverrides } from '../../../shared/load-options.ts';

export const fileKeys = {
  all: ['files'] as const,
  /** Reading one file again with its format overrides; by path, so a row can tell it is being read. */
  reinspect: (path: string) => [...fileKeys.all, 'reinspect', path] as const,
  /** A file's first rows as read with these overrides: a format change is a new key, so a new parse. */
  preview: (path: string, overrides: FileOverrides) => [...fileKeys.all, 'preview', path, overrides] as const,
};
