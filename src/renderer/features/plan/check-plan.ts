// "Check the plan": the engine's dry run of the draft's options (runs.check), answered per file.
import { useMutation } from '@tanstack/react-query';
import type { HandlerInput } from '../../../shared/ipc/contract.ts';
import { useApi } from '../../api/transport-context.tsx';

export function useCheckPlan() {
  const api = useApi();
  return useMutation({ mutationFn: (input: HandlerInput<'runs.check'>) => api['runs.check'](input) });
}
