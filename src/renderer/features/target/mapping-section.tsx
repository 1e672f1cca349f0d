// The mapping of the readable files onto the target: suggested by the engine for an existing table,
// the files' own columns for a new one.
import type { FileInspection, TableInfo } from '../../../shared/ipc/contract.ts';
import type { MappingProfile } from '../../../shared/mapping-profile.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { EmptyState, Loading } from '../../ui/states.tsx';
import type { ChosenConnection } from './connection.ts';
import { FileNotes } from './file-notes.tsx';
import { LoadProfile } from './load-profile.tsx';
import { MappingGrid } from './mapping-grid.tsx';
import { existingTableRows, mappingOf, newTableRows, type MappingRow } from './mapping-rows.ts';
import { useMappingSuggestions } from './queries.ts';
import { SaveProfile } from './save-profile.tsx';

export function MappingSection({ chosen, info }: { chosen: ChosenConnection; info: TableInfo | null }) {
  const { files, target } = useDraft();
  const readable = files.filter((file) => !file.error);
  if (readable.length === 0) return <EmptyState title="No files to map">Add readable files on the Files screen first.</EmptyState>;
  if (target.createTable) {
    return <MappingView rows={newTableRows(readable, target.map)} tableColumns={null} fileCount={readable.length} table={target.newTable} />;
  }
  if (!info) return <EmptyState title="No table chosen">Choose a table to see how the file columns map onto it.</EmptyState>;
  return <SuggestedMapping chosen={chosen} info={info} files={readable} />;
}

function SuggestedMapping({ chosen, info, files }: { chosen: ChosenConnection; info: TableInfo; files: FileInspection[] }) {
  const { target, overrides } = useDraft();
  const table = `${info.schema}.${info.name}`;
  const paths = files.map((file) => file.path);
  const suggestions = useMappingSuggestions(chosen, table, paths, target.map, Object.fromEntries(paths.flatMap((path) => (overrides[path] ? [[path, overrides[path]]] : []))));
  if (suggestions.isPending) return <Loading>Matching the file columns to {table}…</Loading>;
  if (suggestions.isError) return <ErrorNotice error={suggestions.error} title="Could not suggest a mapping" />;
  const tableColumns = info.columns.filter((column) => !column.generated).map((column) => column.name);
  return (
    <>
      {suggestions.isFetching && <Loading>Updating the mapping…</Loading>}
      <FileNotes suggestions={suggestions.data} />
      <MappingView rows={existingTableRows(files, suggestions.data, target.map)} tableColumns={tableColumns} fileCount={files.length} table={table} />
    </>
  );
}

function MappingView({ rows, tableColumns, fileCount, table }: { rows: MappingRow[]; tableColumns: string[] | null; fileCount: number; table: string }) {
  const { target } = useDraft();
  const profile: MappingProfile = {
    version: 1,
    columns: mappingOf(rows),
    ...(table ? { table } : {}),
    ...(target.key.length > 0 ? { key: target.key } : {}),
  };
  return (
    <>
      <MappingGrid rows={rows} tableColumns={tableColumns} fileCount={fileCount} />
      <div className="profile-actions">
        <LoadProfile />
        <SaveProfile profile={profile} />
      </div>
    </>
  );
}
