// One file of the list: what was detected, its columns or its error, and its place in the order.
import { useId } from 'react';
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../../shared/load-options.ts';
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import { fileName, formatBytes } from '../../ui/format.ts';
import { FormatOverrides } from './format-overrides.tsx';
import { formatRowEstimate } from './row-estimate.ts';
import { useSystemInfo } from '../connections/queries.ts';
import { InlineError } from '../../ui/error-panel.tsx';

const SHOWN_COLUMNS = 24;

interface FileRowProps {
  file: FileInspection;
  position: number;
  count: number;
  /** The format the user chose for this file; undefined: as detected. */
  overrides: FileOverrides | undefined;
  /** Whether "Change format" is open; kept by the list, so it survives scrolling out of view. */
  formatOpen: boolean;
  onToggleFormat: (path: string) => void;
  /** The row preview below the list, and whether it shows this file. */
  previewId: string;
  previewOpen: boolean;
  onTogglePreview: (path: string) => void;
}

export function FileRow({ file, position, count, overrides, formatOpen, onToggleFormat, previewId, previewOpen, onTogglePreview }: FileRowProps) {
  const dispatch = useDraftDispatch();
  const panelId = useId();
  const name = fileName(file.path);
  const system = useSystemInfo();
  const rows = formatRowEstimate(file);
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
          {rows && <span className="muted">{rows}</span>}
          {file.format && <span className="badge">{file.format}</span>}
          {overrides && <span className="badge badge-accent">format set by you</span>}
          <button
            type="button"
            className="button-link"
            aria-label={`Change format of ${name}`}
            aria-expanded={formatOpen}
            aria-controls={formatOpen ? panelId : undefined}
            onClick={() => onToggleFormat(file.path)}
          >
            Change format
          </button>
          <button
            type="button"
            className="button-link"
            aria-label={`Preview rows of ${name}`}
            aria-expanded={previewOpen}
            aria-controls={previewOpen ? previewId : undefined}
            onClick={() => onTogglePreview(file.path)}
          >
            Preview
          </button>
        </div>
        {/* On the web host a dropped file is a copy in a temporary folder: its path means nothing to the user. */}
        <div className="file-path muted">{system.data?.host === 'electron' ? file.path : system.data ? 'Uploaded copy (the browser does not tell where the file came from)' : ''}</div>
        {formatOpen && <FormatOverrides id={panelId} file={file} overrides={overrides ?? {}} />}
        {file.error ? (
          <InlineError error={file.error} />
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
