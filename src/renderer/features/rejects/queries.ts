import { useMutation, useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/transport-context.tsx';
import { rejectsKeys } from './keys.ts';

/** The first rejected rows of one file; a rejects file never changes once its run is over. */
export function useRejectsPage(runId: string, path: string) {
  const api = useApi();
  return useQuery({ queryKey: rejectsKeys.page(runId, path), queryFn: () => api['runs.rejects']({ runId, path }), staleTime: Infinity });
}

export function useRevealRejects() {
  const api = useApi();
  return useMutation({ mutationFn: (input: { runId: string; path: string }) => api['runs.revealRejects'](input) });
}

export function useSaveRejects() {
  const api = useApi();
  return useMutation({ mutationFn: (input: { runId: string; path: string }) => api['runs.saveRejects'](input) });
}
