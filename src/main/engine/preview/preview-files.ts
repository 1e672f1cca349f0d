// The files of a preview as the session tracks them, and their load order: re-ranking changes the
// order without reading the files again.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
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

/** The files in an order the user arranged (their paths): a load of `files` in that order with order "given". */
export function inChosenOrder(files: readonly PreviewFileState[], paths: readonly string[]): PreviewFileState[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const ordered = paths.map((path) => byPath.get(path));
  if (ordered.length !== files.length || new Set(paths).size !== paths.length || ordered.some((f) => !f)) {
    throw new KeyloadError(ErrorCodes.usage, 'A new file order must name every file of the preview once; preview the new set of files instead');
  }
  return ordered as PreviewFileState[];
}
