// Target and mapping screen: where the rows go and how file columns become table columns.
import type { TableInfo } from '../../../shared/ipc/contract.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { EmptyState, Loading } from '../../ui/states.tsx';
import { ConnectionsPanel } from '../connections/connections-panel.tsx';
import { FirstRunNotice } from '../connections/first-run.tsx';
import { BlockerList } from './blocker-list.tsx';
import { ConnectionPicker } from './connection-picker.tsx';
import { useChosenConnection, type ChosenConnection } from './connection.ts';
import { LoadSettings } from './load-settings.tsx';
import { fileColumns } from './mapping-rows.ts';
import { MappingSection } from './mapping-section.tsx';
import { useTableInfo } from './queries.ts';
import { TablePicker } from './table-picker.tsx';
import { useDraftBlockers } from './use-draft-blockers.ts';

export function TargetScreen({ onContinue }: { onContinue: () => void }) {
  const { connections, chosen } = useChosenConnection();
  return (
    <>
      <header className="screen-header">
        <h1 tabIndex={-1}>Target and mapping</h1>
        <p className="muted">Where the rows go, how a row is identified, and which file column feeds which table column.</p>
      </header>
      <section className="panel" aria-labelledby="connection-heading">
        <h2 id="connection-heading">Connection</h2>
        <FirstRunNotice />
        {connections.isPending && <Loading>Loading connections…</Loading>}
        <ErrorNotice error={connections.error} title="Could not list the connections" />
        {connections.isSuccess && !chosen && <EmptyState title="No connections">Add a connection to load into.</EmptyState>}
        {chosen && connections.data && <ConnectionPicker connections={connections.data} chosen={chosen} />}
        <details className="manage-connections">
          <summary>Manage connections</summary>
          <ConnectionsPanel />
        </details>
      </section>
      {chosen && <TargetSections chosen={chosen} onContinue={onContinue} />}
    </>
  );
}

function TargetSections({ chosen, onContinue }: { chosen: ChosenConnection; onContinue: () => void }) {
  const { target, files } = useDraft();
  const blockers = useDraftBlockers(chosen);
  const tableInfo = useTableInfo(chosen, target.createTable ? null : target.table);
  const info: TableInfo | null = target.createTable ? null : (tableInfo.data ?? null);
  const columns = info
    ? info.columns.filter((column) => !column.generated).map((column) => column.name)
    : fileColumns(files.filter((file) => !file.error)).map((column) => column.name);
  const tableChosen = target.createTable ? target.newTable.trim() !== '' : info !== null;
  return (
    <>
      <section className="panel" aria-labelledby="table-heading">
        <h2 id="table-heading">Table</h2>
        <TablePicker chosen={chosen} />
        {tableInfo.isFetching && <Loading>Reading the table…</Loading>}
        <ErrorNotice error={tableInfo.error} title="Could not read the table" />
        {tableInfo.isSuccess && tableInfo.data === null && <p className="notice notice-warning">{target.table} no longer exists.</p>}
      </section>
      {tableChosen && (
        <section className="panel" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Key and mode</h2>
          <LoadSettings info={info} columns={columns} />
        </section>
      )}
      <section className="panel" aria-labelledby="mapping-heading">
        <h2 id="mapping-heading">Column mapping</h2>
        <MappingSection chosen={chosen} info={info} />
      </section>
      <div className="screen-actions">
        <button type="button" className="button-primary" disabled={blockers.length > 0} aria-describedby={blockers.length > 0 ? 'target-blockers' : undefined} onClick={onContinue}>
          Continue to preview
        </button>
        <BlockerList id="target-blockers" reasons={blockers} />
      </div>
    </>
  );
}
