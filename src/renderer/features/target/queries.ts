// What the Target screen reads: through the chosen connection (nothing is asked until the
// connection's password is known), and the saved mapping profiles.
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/transport-context.tsx';
import type { FileOverrides } from '../../../shared/load-options.ts';
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

export function useMappingSuggestions(
  chosen: ChosenConnection,
  table: string | null,
  files: string[],
  map: Record<string, string | null>,
  overrides: Record<string, FileOverrides>,
) {
  const api = useApi();
  const { ref } = chosen;
  return useQuery({
    queryKey: targetKeys.suggestions(chosen.scope, table ?? '', files, map, overrides),
    // Files whose format was overridden are read with it, so their columns match what the run will see.
    queryFn: ref && table && files.length > 0 ? () => api['mapping.suggest']({ ...ref, table, files, map, overrides }) : skipToken,
    // An edit asks again (the engine decides the final mapping); keep showing the last answer meanwhile.
    placeholderData: keepPreviousData,
  });
}

export function useProfiles() {
  const api = useApi();
  return useQuery({ queryKey: targetKeys.profiles(), queryFn: () => api['profiles.list']({}) });
}
