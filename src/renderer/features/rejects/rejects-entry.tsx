// Where a run's results lead to its rejected rows: one line per file with rejects, each opening the
// viewer. Used by the Run screen's summary and by History's run detail.
import { useState } from 'react';
import type { FileResult } from '../../../shared/load-types.ts';
import { fileName, formatCount } from '../../ui/format.ts';
import { RejectsViewer } from './rejects-viewer.tsx';

export function RejectsEntry({ runId, files }: { runId: string; files: FileResult[] }) {
  const [open, setOpen] = useState<string | null>(null);
  const withRejects = files.filter((file) => file.rejectsFile);
  if (withRejects.length === 0) return null;
  const opened = withRejects.find((file) => file.rejectsFile === open);
  return (
    <div className="rejects-entry">
      <ul className="rejects-files" aria-label="Rejects files">
        {withRejects.map((file) => (
          <li key={file.path}>
            <span className="chip chip-warning">
              <span aria-hidden="true">⚠</span> {formatCount(file.counts.rejected)} rejected
            </span>
            <span className="rejects-file-name">
              <strong title={file.path}>{fileName(file.path)}</strong>
              <code className="path muted">{file.rejectsFile}</code>
            </span>
            <button type="button" aria-expanded={file.rejectsFile === open} onClick={() => setOpen(file.rejectsFile === open ? null : (file.rejectsFile ?? null))}>
              {file.rejectsFile === open ? 'Hide rejected rows' : 'View rejected rows'}
              <span className="visually-hidden"> of {fileName(file.path)}</span>
            </button>
          </li>
        ))}
      </ul>
      {opened?.rejectsFile && <RejectsViewer key={opened.rejectsFile} runId={runId} source={opened.path} path={opened.rejectsFile} onClose={() => setOpen(null)} />}
    </div>
  );
}
