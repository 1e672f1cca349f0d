// File column -> table column, one editable row per file column. Virtualized for wide files.
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import { VirtualList } from '../../ui/virtual-list.tsx';
import type { Match, MappingRow } from './mapping-rows.ts';
import { plural } from '../../../shared/plural.ts';

const SKIP = '';
/** A file column without a match and without the user's choice yet: it blocks the run. */
const UNRESOLVED = '\u0000unresolved';

const matchLabels: Record<Match, string> = {
  explicit: 'Your choice',
  exact: 'Same name',
  normalized: 'Similar name',
  skipped: 'Skipped by you',
  unmatched: 'No match: choose or skip',
  new: 'New column',
};

interface MappingGridProps {
  rows: MappingRow[];
  /** The table's columns; null for a new table, where each file column can only keep its name. */
  tableColumns: string[] | null;
  fileCount: number;
}

export function MappingGrid({ rows, tableColumns, fileCount }: MappingGridProps) {
  const unmatched = rows.filter((row) => row.match === 'unmatched').length;
  return (
    <>
      <p className="list-summary">
        {rows.length} file columns, {rows.filter((row) => row.target !== null).length} loaded
        {unmatched > 0 && <span className="text-warning">, {unmatched} without a matching table column: choose one or skip each</span>}.
      </p>
      <div role="table" aria-label="Column mapping" aria-rowcount={rows.length + 1} className="mapping-table">
        <div role="rowgroup">
          <div role="row" aria-rowindex={1} className="mapping-row mapping-head">
            <span role="columnheader">File column</span>
            <span role="columnheader">Table column</span>
            <span role="columnheader">Match</span>
          </div>
        </div>
        <VirtualList
          kind="rows"
          count={rows.length}
          estimateSize={48}
          getKey={(index) => rows[index]?.source ?? String(index)}
          renderItem={(index) => {
            const row = rows[index];
            return row && <MappingGridRow row={row} options={tableColumns ?? [row.source]} fileCount={fileCount} />;
          }}
        />
      </div>
    </>
  );
}

function MappingGridRow({ row, options, fileCount }: { row: MappingRow; options: string[]; fileCount: number }) {
  const dispatch = useDraftDispatch();
  return (
    <div className={`mapping-row match-${row.match}`}>
      <span role="cell">
        <strong>{row.source}</strong> <span className="chip-type">{row.sourceType}</span>
        {row.fileCount < fileCount && (
          <span className="muted">
            {' '}
            in {row.fileCount} of {plural(fileCount, 'file')}
          </span>
        )}
      </span>
      <span role="cell">
        <select
          aria-label={`Table column for ${row.source}`}
          value={row.match === 'unmatched' ? UNRESOLVED : (row.target ?? SKIP)}
          aria-invalid={row.match === 'unmatched'}
          onChange={(event) => dispatch({ type: 'column-mapped', source: row.source, target: event.target.value === SKIP ? null : event.target.value })}
        >
          {row.match === 'unmatched' && (
            <option value={UNRESOLVED} disabled>
              — choose or skip —
            </option>
          )}
          <option value={SKIP}>— skip —</option>
          {options.map((column) => (
            <option key={column} value={column}>
              {column}
            </option>
          ))}
        </select>
      </span>
      <span role="cell" className="match">
        {row.match === 'unmatched' && <span aria-hidden="true">⚠ </span>}
        {matchLabels[row.match]}
      </span>
    </div>
  );
}
