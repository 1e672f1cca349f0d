// Query keys of the conflict preview: everything belongs to one open session, and what a page shows
// depends on the ranking it was read under (each re-ranking is a new epoch, so nothing older is reused).
import type { ConflictFilter } from './conflict-filter.ts';

export const previewKeys = {
  all: ['preview'] as const,
  session: (previewId: string) => [...previewKeys.all, previewId] as const,
  page: (previewId: string, epoch: number, filter: ConflictFilter, page: number) => [...previewKeys.session(previewId), 'page', epoch, filter, page] as const,
  total: (previewId: string, epoch: number, filter: ConflictFilter) => [...previewKeys.session(previewId), 'total', epoch, filter] as const,
};
