// One file of the list: what was detected, its columns or its error, and its place in the order.
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import { formatError } from '../../../shared/errors.ts';
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import { fileName, formatBytes } from '../../ui/format.ts';

const SHOWN_COLUMNS = 24;

export function FileRow({ file, position, count }: { file: FileInspection; position: number; count: number }) {
  const dispatch = useDraftDispatch();
  const name = fileName(file.path);
  const first = position === 0;
  const last = position === count - 1;
  // aria-disabled rather than disabled: a button that just moved to the end keeps the focus.
  return (
    <article className="file-row" aria-label={name}>
      <span className="file-position" aria-hidden="true">
        {position + 1}
      </span>
      <div className="file-body">
        <div className="file-title">
          <strong>{name}</strong>
          <span className="muted">{formatBytes(file.sizeBytes)}</span>
          {file.format && <span className="badge">{file.format}</span>}
        </div>
        <div className="file-path muted">{file.path}</div>
        {file.error ? (
          <p className="inline-error">
            <code>{file.error.code}</code> {formatError(file.error)}
          </p>
        ) : (
          <ColumnChips name={name} columns={file.columns} />
        )}
      </div>
      <div className="row-actions">
        <button type="button" className="button-icon" aria-label={`Move ${name} up`} aria-disabled={first} onClick={() => dispatch({ type: 'file-moved', path: file.path, by: -1 })}>
          ↑
        </button>
        <button type="button" className="button-icon" aria-label={`Move ${name} down`} aria-disabled={last} onClick={() => dispatch({ type: 'file-moved', path: file.path, by: 1 })}>
          ↓
        </button>
        <button type="button" className="button-quiet" aria-label={`Remove ${name}`} onClick={() => dispatch({ type: 'file-removed', path: file.path })}>
          Remove
        </button>
      </div>
    </article>
  );
}

function ColumnChips({ name, columns }: { name: string; columns: FileInspection['columns'] }) {
  const hidden = columns.length - SHOWN_COLUMNS;
  return (
    <ul className="chips" aria-label={`Columns of ${name}`}>
      {columns.slice(0, SHOWN_COLUMNS).map((column) => (
        <li key={column.name} className="chip">
          {column.name} <span className="chip-type">{column.pgType}</span>
        </li>
      ))}
      {hidden > 0 && <li className="chip muted">and {hidden} more</li>}
    </ul>
  );
}
