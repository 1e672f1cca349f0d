// "Check the plan": the engine's dry run through runs.start. It plans every file as a real run would
// (reads headers, checks the target, the key and the mapping, finds files already loaded) and writes
// nothing. The outcome arrives as events: the result with the run's last event, a run-level error
// (e.g. the table already exists) only in its history record.
import { useMutation } from '@tanstack/react-query';
import { ErrorCodes, type ErrorInfo } from '../../../shared/errors.ts';
import type { HandlerInput, KeyloadApi } from '../../../shared/ipc/contract.ts';
import type { LoadResult } from '../../../shared/load-types.ts';
import { useApi } from '../../api/transport-context.tsx';
import { ApiError } from '../../api/api-error.ts';

export interface PlanCheck {
  result: LoadResult | null;
  /** Why the plan as a whole does not work; null when it does (files may still fail one by one). */
  error: ErrorInfo | null;
}

export async function checkPlan(api: KeyloadApi, input: HandlerInput<'runs.start'>): Promise<PlanCheck> {
  // Listen before starting: a dry run can finish before runs.start has even answered.
  const results = new Map<string, LoadResult>();
  const finished = new Set<string>();
  let wake = () => {};
  const stops = [
    api.on('run.event', ({ runId, event }) => {
      if (event.type === 'run-finished') results.set(runId, event.result);
    }),
    api.on('run.finished', ({ runId }) => {
      finished.add(runId);
      wake();
    }),
  ];
  try {
    const { runId } = await api['runs.start']({ ...input, options: { ...input.options, dryRun: true } });
    while (!finished.has(runId)) await new Promise<void>((resolve) => (wake = resolve));
    const result = results.get(runId) ?? null;
    if (result) return { result, error: null };
    const detail = await api['runs.get']({ runId });
    return { result: detail?.result ?? null, error: detail?.error ?? { code: ErrorCodes.internal, message: 'The check ended without a result.' } };
  } finally {
    stops.forEach((stop) => stop());
  }
}

export function useCheckPlan() {
  const api = useApi();
  return useMutation<PlanCheck, ApiError | Error, HandlerInput<'runs.start'>>({ mutationFn: (input) => checkPlan(api, input) });
}
