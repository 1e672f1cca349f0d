// Starting a run (from the Run screen or "Run again"): the run becomes the one the Run screen shows.
import { useMutation } from '@tanstack/react-query';
import type { HandlerInput } from '../../../shared/ipc/contract.ts';
import { useApi } from '../../api/transport-context.tsx';
import { useRunStore } from './run-store-context.tsx';

export function useStartRun(onStarted?: () => void) {
  const api = useApi();
  const store = useRunStore();
  return useMutation({
    mutationFn: (input: HandlerInput<'runs.start'>) => api['runs.start'](input),
    onSuccess: ({ runId }, input) => {
      store.track(runId, input.options.files);
      onStarted?.();
    },
  });
}
