// The mapping of the readable files onto the target, as the grid shows it and as the run will use
// it: the engine's suggestion for an existing table, the files' own columns for a new one.
import type { TableInfo } from '../../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../../shared/load-options.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import type { ChosenConnection } from './connection.ts';
import { existingTableRows, newTableRows } from './mapping-rows.ts';
import { useMappingSuggestions } from './queries.ts';

export function useDraftMapping(chosen: ChosenConnection | null, info: TableInfo | null) {
  const { files, target, overrides } = useDraft();
  const readable = files.filter((file) => !file.error);
  const paths = readable.map((file) => file.path);
  const table = info && !target.createTable ? `${info.schema}.${info.name}` : null;
  const suggestions = useMappingSuggestions(chosen, table, paths, target.map, readOverrides(paths, overrides));
  const rows = target.createTable ? newTableRows(readable, target.map) : suggestions.data ? existingTableRows(readable, suggestions.data, target.map) : undefined;
  return { readable, table, suggestions, rows };
}

/** The overrides of these files only, so the query key does not change with unrelated files. */
export function readOverrides(paths: string[], overrides: Record<string, FileOverrides>): Record<string, FileOverrides> {
  return Object.fromEntries(paths.flatMap((path) => (overrides[path] ? [[path, overrides[path]]] : [])));
}
