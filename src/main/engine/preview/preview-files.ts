// The files of a preview as the session tracks them, and their load order: re-ranking changes the
// order without reading the files again.
import type { FileOrder } from '../../../shared/load-types.ts';
import type { PreviewFile } from '../../../shared/preview-types.ts';
import type { FileTracker } from '../load/progress.ts';
import type { StagedFile } from '../load/stage/stage.ts';

export interface PreviewFileState {
  planIndex: number;
  path: string;
  mtimeMs: number;
  staged: StagedFile | null;
  tracker: FileTracker;
  failure: PreviewFile['error'] | null;
  skipReason: string | null;
  columns: string[];
}

/** The files in the order a load with `order` would take them. */
export function inLoadOrder(files: readonly PreviewFileState[], order: FileOrder): PreviewFileState[] {
  const ordered = [...files];
  if (order === 'name') ordered.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (order === 'mtime') ordered.sort((a, b) => a.mtimeMs - b.mtimeMs);
  if (order === 'given') ordered.sort((a, b) => a.planIndex - b.planIndex);
  return ordered;
}
