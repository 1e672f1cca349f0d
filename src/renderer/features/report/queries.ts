import { useMutation, useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/transport-context.tsx';
import type { ReportFormat } from '../../../shared/report-types.ts';
import { reportKeys } from './keys.ts';

/** A finished run's report; null for runs that have none. Written once, so never refetched. */
export function useRunReport(runId: string) {
  const api = useApi();
  return useQuery({ queryKey: reportKeys.run(runId), queryFn: () => api['runs.report']({ runId }), staleTime: Infinity });
}

export function useSaveReport() {
  const api = useApi();
  return useMutation({ mutationFn: (input: { runId: string; format: ReportFormat }) => api['runs.saveReport'](input) });
}
