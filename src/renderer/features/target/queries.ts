// What the Target screen reads through the chosen connection. Nothing is asked until the
// connection's password is known.
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/transport-context.tsx';
import type { ChosenConnection } from './connection.ts';
import { targetKeys } from './keys.ts';

export function useTables(chosen: ChosenConnection) {
  const api = useApi();
  const { ref } = chosen;
  return useQuery({ queryKey: targetKeys.tables(chosen.scope), queryFn: ref ? () => api['tables.list'](ref) : skipToken });
}

export function useTableInfo(chosen: ChosenConnection, table: string | null) {
  const api = useApi();
  const { ref } = chosen;
  return useQuery({
    queryKey: targetKeys.table(chosen.scope, table ?? ''),
    queryFn: ref && table ? () => api['tables.describe']({ ...ref, table }) : skipToken,
  });
}

export function useMappingSuggestions(chosen: ChosenConnection, table: string | null, files: string[], map: Record<string, string | null>) {
  const api = useApi();
  const { ref } = chosen;
  return useQuery({
    queryKey: targetKeys.suggestions(chosen.scope, table ?? '', files, map),
    queryFn: ref && table && files.length > 0 ? () => api['mapping.suggest']({ ...ref, table, files, map }) : skipToken,
    // An edit asks again (the engine decides the final mapping); keep showing the last answer meanwhile.
    placeholderData: keepPreviousData,
  });
}
