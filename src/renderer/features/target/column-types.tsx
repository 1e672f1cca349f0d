// A new table's columns before it is created: the type proposed for each (inferred across all the
// files), editable, with how many sampled values would not fit and go to the rejects.
import { useState } from 'react';
import type { ProposedColumn } from '../../../shared/ipc/contract.ts';
import { useDraft, useDraftDispatch } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { formatCount } from '../../ui/format.ts';
import { Loading } from '../../ui/states.tsx';
import type { MappingRow } from './mapping-rows.ts';
import { readOverrides } from './use-draft-mapping.ts';
import { useProposedColumns } from './queries.ts';

export const commonTypes = ['text', 'bigint', 'integer', 'smallint', 'numeric', 'double precision', 'real', 'boolean', 'date', 'timestamp', 'timestamptz', 'time', 'uuid', 'jsonb', 'bytea'];
const OTHER = '\u0000other';

/** `rows`: the new table's mapping rows; skipped columns are not created. */
export function ColumnTypes({ rows, fileCount }: { rows: MappingRow[]; fileCount: number }) {
  const { files, overrides } = useDraft();
  const paths = files.filter((file) => !file.error).map((file) => file.path);
  const proposed = useProposedColumns(paths, readOverrides(paths, overrides), true);
  if (proposed.isPending) return <Loading>Inferring the column types across the files…</Loading>;
  if (proposed.isError) {
    return (
      <>
        <ErrorNotice error={proposed.error} title="Could not propose column types" />
        <p className="muted">The types are then inferred across the files when the table is created.</p>
      </>
    );
  }
  const created = new Set(rows.filter((row) => row.target !== null).map((row) => row.source));
  const columns = proposed.data.filter((column) => created.has(column.name));
  return (
    <div className="data-grid">
      <table className="column-types" aria-label="Columns of the new table">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col">In files</th>
            <th scope="col">Values that do not fit</th>
          </tr>
        </thead>
        <tbody>
          {columns.map((column) => (
            <ColumnTypeRow key={column.name} column={column} fileCount={fileCount} />
          ))}
        </tbody>
      </table>
      {proposed.isFetching && <Loading>Inferring the column types again…</Loading>}
    </div>
  );
}

function ColumnTypeRow({ column, fileCount }: { column: ProposedColumn; fileCount: number }) {
  const { target } = useDraft();
  const dispatch = useDraftDispatch();
  const chosen = target.columnTypes[column.name];
  const type = chosen ?? column.pgType;
  const options = commonTypes.includes(column.pgType) ? commonTypes : [column.pgType, ...commonTypes];
  const [custom, setCustom] = useState(!options.includes(type));
  const choose = (pgType: string) => dispatch({ type: 'column-typed', column: column.name, pgType: pgType === column.pgType ? null : pgType });
  return (
    <tr className={chosen !== undefined ? 'type-changed' : undefined}>
      <th scope="row">{column.name}</th>
      <td>
        <div className="type-choice">
          <select
            aria-label={`Type of ${column.name}`}
            value={custom ? OTHER : type}
            onChange={(event) => {
              const value = event.target.value;
              setCustom(value === OTHER);
              // "Other…" starts from the current type, to be edited.
              if (value !== OTHER) choose(value);
            }}
          >
            {options.map((option) => (
              <option key={option} value={option}>
                {option === column.pgType ? `${option} (proposed)` : option}
              </option>
            ))}
            <option value={OTHER}>Other…</option>
          </select>
          {custom && (
            <input
              aria-label={`Other type of ${column.name}`}
              className="type-input"
              value={type}
              spellCheck={false}
              aria-invalid={type.trim() === ''}
              onChange={(event) => dispatch({ type: 'column-typed', column: column.name, pgType: event.target.value })}
            />
          )}
        </div>
      </td>
      <td className="num">
        {column.files} of {fileCount}
      </td>
      <td>
        <Fit column={column} chosen={chosen} />
      </td>
    </tr>
  );
}

function Fit({ column, chosen }: { column: ProposedColumn; chosen: string | undefined }) {
  if (chosen !== undefined) return <span className="muted">Your type: values that do not fit {chosen || 'it'} will be rejected.</span>;
  if (column.sampled === 0) return <span className="muted">No values sampled</span>;
  if (column.outliers === 0) return <span className="chip chip-success">All {formatCount(column.sampled)} sampled values fit</span>;
  return (
    <span className="chip chip-warning">
      {formatCount(column.outliers)} of {formatCount(column.sampled)} values do not fit; they will be rejected
    </span>
  );
}
