// draftBlockers with the facts read through the connection: the Target screen's Continue and the
// Run screen's Start both ask this.
import { toErrorInfo } from '../../api/api-error.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import type { ChosenConnection } from './connection.ts';
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
  // A failed read would otherwise leave the run waiting for it without saying why.
  const failed = [
    tables.isError && `Could not check which tables exist: ${toErrorInfo(tables.error).message}`,
    tableInfo.isError && `Could not read ${target.table}: ${toErrorInfo(tableInfo.error).message}`,
    mapping.suggestions.isError && `The file columns could not be matched to the table: ${toErrorInfo(mapping.suggestions.error).message}`,
  ].filter((reason) => reason !== false);
  if (chosen.ref && failed.length > 0) return [...draftBasics(draft), ...failed];
  return draftBlockers(draft, {
    passwordFor: chosen.ref ? null : chosen.connection.name,
    // While the list is being read again (after a run, say), a table may have appeared: wait for it.
    existingTables: tables.data && !tables.isFetching ? new Set(tables.data.map((table) => `${table.schema}.${table.name}`)) : undefined,
    table: tableInfo.isSuccess ? tableInfo.data : undefined,
    mapping: mapping.rows,
    fileProblems: (mapping.suggestions.data ?? []).flatMap((suggestion) => (suggestion.error ? [{ path: suggestion.path, message: suggestion.error.message }] : [])),
  });
}
