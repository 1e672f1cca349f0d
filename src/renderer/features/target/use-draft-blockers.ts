// draftBlockers with the facts read through the connection: the Target screen's Continue and the
// Run screen's Start both ask this.
import { useDraft } from '../../draft/draft-context.tsx';
import type { ChosenConnection } from './connection.ts';
import { toErrorInfo } from '../../api/api-error.ts';
import { draftBasics, draftBlockers } from './draft-blockers.ts';
import { useTableInfo, useTables } from './queries.ts';
import { useDraftMapping } from './use-draft-mapping.ts';

export function useDraftBlockers(chosen: ChosenConnection | null): string[] {
  const draft = useDraft();
  const { target } = draft;
  const tables = useTables(target.createTable ? chosen : null);
  const tableInfo = useTableInfo(chosen, target.createTable ? null : target.table);
  const info = tableInfo.data ?? null;
  const mapping = useDraftMapping(chosen, info);
  // Without a connection yet (the list is loading) there is nothing to check against.
  if (!chosen) return draftBasics(draft);
  if (mapping.suggestions.isError) return [...draftBasics(draft), `The file columns could not be matched to the table: ${toErrorInfo(mapping.suggestions.error).message}`];
  return draftBlockers(draft, {
    passwordFor: chosen.ref ? null : chosen.connection.name,
    // While the list is being read again (after a run, say), a table may have appeared: wait for it.
    existingTables: tables.data && !tables.isFetching ? new Set(tables.data.map((table) => `${table.schema}.${table.name}`)) : undefined,
    table: tableInfo.isSuccess ? tableInfo.data : undefined,
    mapping: mapping.rows,
    fileProblems: (mapping.suggestions.data ?? []).flatMap((suggestion) => (suggestion.error ? [{ path: suggestion.path, message: suggestion.error.message }] : [])),
  });
}
