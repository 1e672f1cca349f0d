// The mapping of the readable files onto the target: suggested by the engine for an existing table,
// the files' own columns (with their proposed types) for a new one.
import type { TableInfo } from '../../../shared/ipc/contract.ts';
import type { MappingProfile } from '../../../shared/mapping-profile.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { EmptyState, Loading } from '../../ui/states.tsx';
import { ColumnTypes } from './column-types.tsx';
import type { ChosenConnection } from './connection.ts';
import { FileNotes } from './file-notes.tsx';
import { LoadProfile } from './load-profile.tsx';
import { MappingGrid } from './mapping-grid.tsx';
import { mappingOf, type MappingRow } from './mapping-rows.ts';
import { SaveProfile } from './save-profile.tsx';
import { UnmatchedColumns } from './unmatched-columns.tsx';
import { useDraftMapping } from './use-draft-mapping.ts';

export function MappingSection({ chosen, info }: { chosen: ChosenConnection; info: TableInfo | null }) {
  const { target } = useDraft();
  const { readable, table, suggestions, rows } = useDraftMapping(chosen, info);
  if (readable.length === 0) return <EmptyState title="No files to map">Add readable files on the Files screen first.</EmptyState>;
  if (target.createTable) {
    const newRows = rows ?? [];
    return (
      <>
        <MappingView rows={newRows} tableColumns={null} fileCount={readable.length} table={target.newTable} />
        <h3>Columns of the new table</h3>
        <p className="muted">Proposed from all the files: the widest type that fits most values. Values that do not fit the type go to the rejects file.</p>
        <ColumnTypes rows={newRows} fileCount={readable.length} />
      </>
    );
  }
  if (!info || !table) return <EmptyState title="No table chosen">Choose a table to see how the file columns map onto it.</EmptyState>;
  if (suggestions.isPending) return <Loading>Matching the file columns to {table}…</Loading>;
  if (suggestions.isError) return <ErrorNotice error={suggestions.error} title="Could not suggest a mapping" />;
  const tableColumns = info.columns.filter((column) => !column.generated).map((column) => column.name);
  const existingRows = rows ?? [];
  return (
    <>
      {suggestions.isFetching && <Loading>Updating the mapping…</Loading>}
      <FileNotes suggestions={suggestions.data} />
      <UnmatchedColumns rows={existingRows} tableColumns={tableColumns} table={table} fileCount={readable.length} />
      <MappingView rows={existingRows} tableColumns={tableColumns} fileCount={readable.length} table={table} />
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
