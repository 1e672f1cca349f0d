// The target: an existing table picked from a searchable list, or a new one created from the files.
import { useState } from 'react';
import { useDraft, useDraftDispatch } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { EmptyState, Loading } from '../../ui/states.tsx';
import type { ChosenConnection } from './connection.ts';
import { useTables } from './queries.ts';

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
      {target.createTable ? (
        <label className="field">
          <span>New table name</span>
          <input value={target.newTable} placeholder="schema.table" onChange={(event) => dispatch({ type: 'new-table-named', name: event.target.value })} />
        </label>
      ) : (
        <ExistingTable chosen={chosen} selected={target.table} />
      )}
    </>
  );
}

function ExistingTable({ chosen, selected }: { chosen: ChosenConnection; selected: string | null }) {
  const dispatch = useDraftDispatch();
  const tables = useTables(chosen);
  const [search, setSearch] = useState('');
  if (!chosen.ref) return <p className="muted">Enter the password above to list the tables.</p>;
  if (tables.isPending) return <Loading>Loading tables…</Loading>;
  if (tables.isError) return <ErrorNotice error={tables.error} title="Could not list the tables" />;
  if (tables.data.length === 0) return <EmptyState title="This database has no tables">Choose Create new table to make one from the files.</EmptyState>;

  const names = tables.data.map((table) => `${table.schema}.${table.name}`);
  const needle = search.trim().toLowerCase();
  const matches = needle ? names.filter((name) => name.toLowerCase().includes(needle)) : names;
  return (
    <div className="field-group">
      <label className="field">
        <span>Search tables</span>
        <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
      </label>
      <label className="field">
        <span>Table</span>
        <select size={8} value={selected ?? ''} onChange={(event) => dispatch({ type: 'table-chosen', table: event.target.value })}>
          {matches.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <p className="muted" aria-live="polite">
        {matches.length === names.length ? `${names.length} ${names.length === 1 ? 'table' : 'tables'}` : `${matches.length} of ${names.length} match`}
        {selected && `; selected: ${selected}`}
      </p>
    </div>
  );
}
