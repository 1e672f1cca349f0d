// The preview's requests against an open session: re-ranking under a policy, conflict pages, the
// conflict count of a filter (a matrix cell), and the desktop's "Save as…" of the conflicts CSV.
import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ConflictPolicy } from '../../../shared/load-types.ts';
import type { PreviewSummary } from '../../../shared/preview-types.ts';
import { useApi } from '../../api/transport-context.tsx';
import type { ConflictFilter } from './conflict-filter.ts';
import { previewKeys } from './keys.ts';

export const PAGE_SIZE = 100;

/** The session's ranking: the summary under a policy and file order, and its epoch (pages are read under it). */
export interface Ranking {
  previewId: string;
  epoch: number;
  summary: PreviewSummary;
  policy: ConflictPolicy;
  order: readonly string[];
}

const sameOrder = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((path, i) => path === b[i]);

/**
 * Re-ranks the session whenever `policy` or the files' `order` changes (the staged rows are kept,
 * no file is read again). `ranking` stays the previous one while the new one is computed; `pending` says so.
 */
export function useRanking(previewId: string, wanted: { policy: ConflictPolicy; order: readonly string[] }, opened: { summary: PreviewSummary; order: readonly string[] }): { ranking: Ranking; pending: boolean; error: unknown } {
  const api = useApi();
  const [ranking, setRanking] = useState<Ranking>({ previewId, epoch: 0, summary: opened.summary, policy: opened.summary.policy, order: opened.order });
  const [error, setError] = useState<unknown>(null);
  const { policy, order } = wanted;
  const current = ranking.policy === policy && sameOrder(ranking.order, order);
  useEffect(() => {
    if (current) return;
    let stillWanted = true;
    setError(null);
    api['preview.summary']({ previewId, conflictPolicy: policy, files: [...order] }).then(
      (summary) => stillWanted && setRanking((now) => ({ previewId, epoch: now.epoch + 1, summary, policy, order })),
      (failure: unknown) => stillWanted && setError(failure),
    );
    return () => {
      stillWanted = false;
    };
  }, [api, previewId, policy, order.join('\0'), current]);
  return { ranking, pending: !current && !error, error };
}

/** One page of conflicts under a ranking. */
export function useConflictPage(ranking: Ranking, filter: ConflictFilter, page: number) {
  const api = useApi();
  const { previewId, epoch } = ranking;
  return useQuery({
    queryKey: previewKeys.page(previewId, epoch, filter, page),
    queryFn: () => api['preview.conflicts']({ previewId, ...filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE }),
    staleTime: Infinity,
  });
}

/** How many conflicting keys each filter matches (a page of one entry, for its total). */
export function useConflictTotals(ranking: Ranking, filters: ConflictFilter[]) {
  const api = useApi();
  const { previewId, epoch } = ranking;
  return useQueries({
    queries: filters.map((filter) => ({
      queryKey: previewKeys.total(previewId, epoch, filter),
      queryFn: async () => (await api['preview.conflicts']({ previewId, ...filter, limit: 1 })).total,
      staleTime: Infinity,
    })),
  });
}

export function useSaveConflicts() {
  const api = useApi();
  return useMutation({ mutationFn: (previewId: string) => api['preview.saveConflicts']({ previewId }) });
}
