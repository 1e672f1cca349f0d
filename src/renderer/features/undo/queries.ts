import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../api/transport-context.tsx';
import { historyKeys } from '../history/keys.ts';
import { undoKeys } from './keys.ts';

/** What undoing the run would do, now: always asked afresh, as the table may have changed. */
export function useUndoPreview(runId: string, password: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: undoKeys.preview(runId),
    queryFn: () => api['runs.undo']({ runId, dryRun: true, force: false, chain: false, ...(password !== undefined ? { password } : {}) }),
    staleTime: 0,
    gcTime: 0,
  });
}

export function useUndo() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { runId: string; force: boolean; chain: boolean; password: string | undefined }) =>
      api['runs.undo']({ runId: input.runId, dryRun: false, force: input.force, chain: input.chain, ...(input.password !== undefined ? { password: input.password } : {}) }),
    // The history shows the run undone; the tables it touched changed.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: historyKeys.all }),
  });
}
