// The target: an existing table picked from a list that filters as you type (with each table's row
// estimate and columns), or a new one created from the files, never over a table that exists.
import { useState } from 'react';
import type { TableSummary } from '../../../shared/ipc/contract.ts';
import { useDraft, useDraftDispatch } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { formatCount } from '../../ui/format.ts';
import { EmptyState } from '../../ui/states.tsx';
import { ConnectionWait } from '../connections/first-run.tsx';
import type { ChosenConnection } from './connection.ts';
import { parsedName } from './draft-blockers.ts';
import { useTables } from './queries.ts';
import { plural } from '../../../shared/plural.ts';

/** More than this many matches: the list asks for a narrower search instead of growing without end. */
const shownAtMost = 200;

export function TablePicker({ chosen }: { chosen: ChosenConnection }) {
  const { target } = useDraft();
  const dispatch = useDraftDispatch();
  return (
    <>
      <fieldset className="choice-row">
        <legend>Target table</legend>
        <label>
          <input type="radio" name="table-kind" checked={!target.createTable} onChange={() => dispatch({ type: 'table-kind-chosen', createTable: false })} />
          Existing table
        </label>
        <label>
          <input type="radio" name="table-kind" checked={target.createTable} onChange={() => dispatch({ type: 'table-kind-chosen', createTable: true })} />
          Create new table
        </label>
      </fieldset>
      {target.createTable ? <NewTable chosen={chosen} /> : <ExistingTable chosen={chosen} selected={target.table} />}
    </>
  );
}

function NewTable({ chosen }: { chosen: ChosenConnection }) {
  const { target } = useDraft();
  const dispatch = useDraftDispatch();
  const tables = useTables(chosen);
  const parsed = target.newTable.trim() === '' ? null : parsedName(target.newTable);
  const existing = parsed && 'name' in parsed ? tables.data?.find((table) => `${table.schema}.${table.name}` === parsed.name) : undefined;
  return (
    <div className="field-group">
      <label className="field">
        <span>New table name</span>
        <input
          value={target.newTable}
          placeholder="schema.table"
          aria-invalid={existing !== undefined || (parsed !== null && 'error' in parsed)}
          onChange={(event) => dispatch({ type: 'new-table-named', name: event.target.value })}
        />
      </label>
      {parsed && 'error' in parsed && <p className="text-error">{parsed.error}</p>}
      {chosen.ref && tables.isPending && <ConnectionWait builtin={chosen.connection.builtin}>Checking the existing tables…</ConnectionWait>}
      {existing && (
        <div role="alert" className="notice notice-warning">
          <p>
            A table named <strong>{`${existing.schema}.${existing.name}`}</strong> already exists
            {existing.rowEstimate !== null && ` (about ${plural(existing.rowEstimate, 'row')})`}. Create new table never loads into it.
          </p>
          <button type="button" onClick={() => chooseExisting(dispatch, `${existing.schema}.${existing.name}`)}>
            Load into the existing {`${existing.schema}.${existing.name}`} instead
          </button>
        </div>
      )}
      {chosen.ref && tables.isError && <ErrorNotice error={tables.error} title="Could not check whether the table exists" />}
    </div>
  );
}

function chooseExisting(dispatch: ReturnType<typeof useDraftDispatch>, table: string): void {
  dispatch({ type: 'table-kind-chosen', createTable: false });
  dispatch({ type: 'table-chosen', table });
}

function ExistingTable({ chosen, selected }: { chosen: ChosenConnection; selected: string | null }) {
  const tables = useTables(chosen);
  const [search, setSearch] = useState('');
  if (!chosen.ref) return <p className="muted">Enter the password above to list the tables.</p>;
  if (tables.isPending) return <ConnectionWait builtin={chosen.connection.builtin}>Loading tables…</ConnectionWait>;
  if (tables.isError) return <ErrorNotice error={tables.error} title="Could not list the tables" />;
  if (tables.data.length === 0) return <EmptyState title="This database has no tables">Choose Create new table to make one from the files.</EmptyState>;
  const matches = filterTables(tables.data, search);
  const shown = matches.slice(0, shownAtMost);
  const total = tables.data.length;
  return (
    <div className="field-group table-picker">
      <label className="field">
        <span>Search tables</span>
        <input type="search" value={search} placeholder="Table or column name" onChange={(event) => setSearch(event.target.value)} />
      </label>
      <p className="muted" aria-live="polite">
        {matches.length === total ? `${total} ${total === 1 ? 'table' : 'tables'}` : `${matches.length} of ${total} match`}
        {matches.length > shown.length && `; showing the first ${shown.length}, type more to narrow them down`}
        {selected && `; selected: ${selected}`}
      </p>
      <div role="radiogroup" aria-label="Table" className="table-list">
        {shown.map(({ table, matchedColumns }) => (
          <TableOption key={`${table.schema}.${table.name}`} table={table} matchedColumns={matchedColumns} selected={selected} />
        ))}
      </div>
    </div>
  );
}

function TableOption({ table, matchedColumns, selected }: { table: TableSummary; matchedColumns: string[]; selected: string | null }) {
  const dispatch = useDraftDispatch();
  const name = `${table.schema}.${table.name}`;
  const columns = table.columns.map((column) => `${column.name} ${column.type}`).join(', ');
  return (
    <label className={`table-option${name === selected ? ' table-option-selected' : ''}`}>
      <input type="radio" name="existing-table" value={name} checked={name === selected} onChange={() => dispatch({ type: 'table-chosen', table: name })} />
      <span className="table-option-name">{name}</span>
      <span className="num table-option-rows">{table.rowEstimate === null ? 'rows unknown' : `≈ ${formatCount(table.rowEstimate)} rows`}</span>
      <span className="table-option-columns muted" title={columns}>
        {table.columns.length === 0 ? 'no columns' : columns}
      </span>
      {matchedColumns.length > 0 && <span className="table-option-match">column {matchedColumns.join(', ')}</span>}
    </label>
  );
}

/** Tables whose name, or one of whose column names, contains the search text. */
export function filterTables(tables: TableSummary[], search: string): { table: TableSummary; matchedColumns: string[] }[] {
  const needle = search.trim().toLowerCase();
  if (!needle) return tables.map((table) => ({ table, matchedColumns: [] }));
  return tables.flatMap((table) => {
    if (`${table.schema}.${table.name}`.toLowerCase().includes(needle)) return [{ table, matchedColumns: [] }];
    const matchedColumns = table.columns.filter((column) => column.name.toLowerCase().includes(needle)).map((column) => column.name);
    return matchedColumns.length > 0 ? [{ table, matchedColumns }] : [];
  });
}
