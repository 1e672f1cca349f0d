// File columns that match no table column: each is mapped or skipped by the user, never ignored
// behind their back. The run waits until none is left.
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import type { MappingRow } from './mapping-rows.ts';
import { plural } from '../../../shared/plural.ts';

const CHOOSE = '';

export function UnmatchedColumns({ rows, tableColumns, table, fileCount }: { rows: MappingRow[]; tableColumns: string[]; table: string; fileCount: number }) {
  const dispatch = useDraftDispatch();
  const unmatched = rows.filter((row) => row.match === 'unmatched');
  if (unmatched.length === 0) return null;
  // A table column already fed by another file column is not offered twice.
  const taken = new Set(rows.flatMap((row) => row.target ?? []));
  const free = tableColumns.filter((column) => !taken.has(column));
  return (
    <section className="notice notice-warning unmatched" aria-labelledby="unmatched-heading">
      <h3 id="unmatched-heading">
        {plural(unmatched.length, 'file column')} {unmatched.length === 1 ? 'matches' : 'match'} no column of {table}
      </h3>
      <p>Choose a table column for each, or skip it: a skipped column is not loaded. The run waits until each has a choice.</p>
      <button type="button" onClick={() => dispatch({ type: 'columns-skipped', sources: unmatched.map((row) => row.source) })}>
        Skip all unmatched
      </button>
      <ul aria-label="Unmatched file columns" className="unmatched-list">
        {unmatched.map((row) => (
          <li key={row.source}>
            <span>
              <strong>{row.source}</strong> <span className="chip-type">{row.sourceType}</span>
              {row.fileCount < fileCount && <span className="muted"> in {row.fileCount} of {plural(fileCount, 'file')}</span>}
            </span>
            <select
              aria-label={`Map ${row.source} to`}
              value={CHOOSE}
              onChange={(event) => event.target.value !== CHOOSE && dispatch({ type: 'column-mapped', source: row.source, target: event.target.value })}
            >
              <option value={CHOOSE} disabled>
                Choose a table column
              </option>
              {free.map((column) => (
                <option key={column} value={column}>
                  {column}
                </option>
              ))}
            </select>
            <button type="button" aria-label={`Skip ${row.source}`} onClick={() => dispatch({ type: 'column-mapped', source: row.source, target: null })}>
              Skip
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
