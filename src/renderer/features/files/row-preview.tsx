// The row preview of one file, below the list: its first rows as the load will read them with the
// format chosen now, read again (live) whenever that format changes.
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import type { FileOverrides } from '../../../shared/load-options.ts';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { fileName, formatCount } from '../../ui/format.ts';
import { Loading } from '../../ui/states.tsx';
import { PreviewGrid } from './preview-grid.tsx';
import { useFilePreview } from './use-file-preview.ts';

interface RowPreviewProps {
  id: string;
  file: FileInspection;
  overrides: FileOverrides;
  onClose: () => void;
}

export function RowPreview({ id, file, overrides, onClose }: RowPreviewProps) {
  const name = fileName(file.path);
  const preview = useFilePreview(file.path, overrides);
  const data = preview.data;
  const invalid = data?.invalidCells.length ?? 0;
  const parquet = (overrides.fileType ?? file.type) === 'parquet';
  return (
    <section id={id} className="row-preview" aria-label={`Row preview of ${name}`}>
      <header className="row-preview-header">
        <h2>Rows of {name}</h2>
        {data && !data.error && (
          <span className="muted">
            first {formatCount(data.rows.length)} {data.rows.length === 1 ? 'row' : 'rows'}, {data.format}
          </span>
        )}
        {data && !data.error && (
          <span className={invalid > 0 ? 'chip chip-danger' : 'chip chip-success'}>
            {invalid > 0 ? `⚠ ${formatCount(invalid)} ${invalid === 1 ? 'cell' : 'cells'} would be rejected` : '✓ no rejected cells'}
          </span>
        )}
        <button type="button" className="button-quiet" aria-label={`Close the row preview of ${name}`} onClick={onClose}>
          Close
        </button>
      </header>
      {preview.isFetching && <Loading>Reading the first rows of {name}…</Loading>}
      <ErrorNotice error={preview.error} title={`Could not preview ${name}`} />
      {data?.error && <ErrorNotice error={data.error} title={`${name} cannot be read with this format`} />}
      {data && !data.error && data.rows.length === 0 && <p className="muted">The file has a header but no rows.</p>}
      {data && !data.error && data.rows.length > 0 && <PreviewGrid preview={data} label={`First rows of ${name}`} lineLabel={parquet ? 'Row' : 'Line'} />}
    </section>
  );
}
