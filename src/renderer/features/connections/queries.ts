// Saved connections, the built-in local database, and what the host can do with passwords.
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { ConnectionInfo, HandlerInput } from '../../../shared/ipc/contract.ts';
import { useApi } from '../../api/transport-context.tsx';
import { targetKeys } from '../target/keys.ts';
import { connectionKeys } from './keys.ts';

export function useConnections(): UseQueryResult<ConnectionInfo[]> {
  const api = useApi();
  return useQuery({ queryKey: connectionKeys.list(), queryFn: () => api['connections.list']({}) });
}

export function useSystemInfo() {
  const api = useApi();
  return useQuery({ queryKey: connectionKeys.system(), queryFn: () => api['system.info']({}), staleTime: Infinity });
}

/** The local database's state; asked again while it starts, so "Starting…" ends when it is up. */
export function useLocalDatabase() {
  const api = useApi();
  return useQuery({
    queryKey: connectionKeys.local(),
    queryFn: () => api['connections.local']({}),
    refetchInterval: (query) => (query.state.data?.state === 'starting' ? 500 : false),
  });
}

/** After a connection changed, everything read through connections is read again. */
function useInvalidateConnections() {
  const queryClient = useQueryClient();
  return () => Promise.all([queryClient.invalidateQueries({ queryKey: connectionKeys.list() }), queryClient.invalidateQueries({ queryKey: targetKeys.all })]);
}

export function useSaveConnection() {
  const api = useApi();
  const invalidate = useInvalidateConnections();
  return useMutation({ mutationFn: (input: HandlerInput<'connections.save'>) => api['connections.save'](input), onSuccess: invalidate });
}

export function useRemoveConnection() {
  const api = useApi();
  const invalidate = useInvalidateConnections();
  return useMutation({ mutationFn: (id: string) => api['connections.remove']({ id }), onSuccess: invalidate });
}

export function useTestConnection() {
  const api = useApi();
  return useMutation({ mutationFn: (input: HandlerInput<'connections.test'>) => api['connections.test'](input) });
}
