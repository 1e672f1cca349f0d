// One rejects file opened in the app: how many rows were rejected, the first 1,000 of them in a grid,
// and the file itself (reveal or save a copy on the desktop, download in a browser).
import { useTransport } from '../../api/transport-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { SavedTo } from '../../ui/saved-to.tsx';
import { fileName, formatCount } from '../../ui/format.ts';
import { Loading } from '../../ui/states.tsx';
import { useRejectsPage, useRevealRejects, useSaveRejects } from './queries.ts';
import { RejectsGrid } from './rejects-grid.tsx';

interface RejectsViewerProps {
  runId: string;
  /** The input file the rows came from. */
  source: string;
  /** Its rejects file. */
  path: string;
  onClose: () => void;
}

export function RejectsViewer({ runId, source, path, onClose }: RejectsViewerProps) {
  const page = useRejectsPage(runId, path);
  const name = fileName(source);
  return (
    <section className="rejects-viewer" aria-labelledby="rejects-viewer-heading">
      <header className="rejects-viewer-header">
        <div>
          <h3 id="rejects-viewer-heading">Rejected rows of {name}</h3>
          {page.data && (
            <p className="muted" role="status">
              {page.data.truncated ? `Showing the first ${formatCount(page.data.rows.length)} of ${formatCount(page.data.total)} rejected rows.` : `${formatCount(page.data.total)} rejected ${page.data.total === 1 ? 'row' : 'rows'}.`}
            </p>
          )}
        </div>
        <div className="button-row">
          <FileActions runId={runId} path={path} />
          <button type="button" className="button-quiet" onClick={onClose}>
            Close
          </button>
        </div>
      </header>
      {page.isPending && <Loading>Reading the rejected rows…</Loading>}
      <ErrorNotice error={page.error} title="Could not read the rejected rows" />
      {page.data && <RejectsGrid page={page.data} label={`Rejected rows of ${name}`} />}
    </section>
  );
}

function FileActions({ runId, path }: { runId: string; path: string }) {
  const { rejectsDownloadUrl } = useTransport();
  const reveal = useRevealRejects();
  const save = useSaveRejects();
  if (rejectsDownloadUrl) {
    return (
      <a className="button" href={rejectsDownloadUrl(runId, path)} download={fileName(path)}>
        Download CSV
      </a>
    );
  }
  return (
    <>
      <button type="button" onClick={() => reveal.mutate({ runId, path })}>
        Reveal in folder
      </button>
      <button type="button" disabled={save.isPending} onClick={() => save.mutate({ runId, path })}>
        Save as…
      </button>
      <SavedTo path={save.data?.savedTo} />
      <ErrorNotice error={reveal.error ?? save.error} onDismiss={() => {
          reveal.reset();
          save.reset();
        }} title="Could not open the file" />
    </>
  );
}
