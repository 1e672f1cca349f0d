import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/transport-context.tsx';
import { historyKeys } from './keys.ts';

/** Newest first, whatever order the main side answers in. */
export function useRuns(search: string) {
  const api = useApi();
  return useQuery({
    queryKey: historyKeys.list(search),
    queryFn: async () => {
      const runs = await api['runs.list'](search ? { search } : {});
      return runs.toSorted((a, b) => b.startedAt.localeCompare(a.startedAt));
    },
    placeholderData: keepPreviousData,
  });
}

export function useRunDetail(runId: string) {
  const api = useApi();
  return useQuery({ queryKey: historyKeys.detail(runId), queryFn: () => api['runs.get']({ runId }) });
}
