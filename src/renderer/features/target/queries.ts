// What the Target screen reads: through the chosen connection (nothing is asked until the
// connection's password is known, or while there is no connection yet), and the saved mapping
// profiles.
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query';
import { useApi } from '../../api/transport-context.tsx';
import type { FileOverrides } from '../../../shared/load-options.ts';
import type { ChosenConnection } from './connection.ts';
import { targetKeys, type ConnectionScope } from './keys.ts';

const noConnection: ConnectionScope = targetKeys.scope('', 0);

export function useTables(chosen: ChosenConnection | null) {
  const api = useApi();
  const ref = chosen?.ref;
  return useQuery({
    queryKey: targetKeys.tables(chosen?.scope ?? noConnection),
    queryFn: ref ? () => api['tables.list'](ref) : skipToken,
    // Read afresh whenever a screen that needs it appears: "does this table exist?" must not be stale.
    refetchOnMount: 'always',
  });
}

export function useTableInfo(chosen: ChosenConnection | null, table: string | null) {
  const api = useApi();
  const ref = chosen?.ref;
  return useQuery({
    queryKey: targetKeys.table(chosen?.scope ?? noConnection, table ?? ''),
    queryFn: ref && table ? () => api['tables.describe']({ ...ref, table }) : skipToken,
  });
}

export function useMappingSuggestions(
  chosen: ChosenConnection | null,
  table: string | null,
  files: string[],
  map: Record<string, string | null>,
  overrides: Record<string, FileOverrides>,
) {
  const api = useApi();
  const ref = chosen?.ref;
  return useQuery({
    queryKey: targetKeys.suggestions(chosen?.scope ?? noConnection, table ?? '', files, map, overrides),
    // Files whose format was overridden are read with it, so their columns match what the run will see.
    queryFn: ref && table && files.length > 0 ? () => api['mapping.suggest']({ ...ref, table, files, map, overrides }) : skipToken,
    // An edit asks again (the engine decides the final mapping); keep showing the last answer meanwhile.
    placeholderData: keepPreviousData,
  });
}

/** The columns a new table would get, with the types inferred across all the files. */
export function useProposedColumns(files: string[], overrides: Record<string, FileOverrides>, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: targetKeys.proposedColumns(files, overrides),
    queryFn: enabled && files.length > 0 ? () => api['files.proposeColumns']({ paths: files, overrides }) : skipToken,
    placeholderData: keepPreviousData,
  });
}

export function useProfiles() {
  const api = useApi();
  return useQuery({ queryKey: targetKeys.profiles(), queryFn: () => api['profiles.list']({}) });
}
