// "Export report…" in a format: a save dialog in the desktop app, a download in a browser. On the
// Run screen once a run ends, and on every run in History.
import { useId, useState } from 'react';
import { useTransport } from '../../api/transport-context.tsx';
import { REPORT_FORMATS, type ReportFormat } from '../../../shared/report-types.ts';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { SavedTo } from '../../ui/saved-to.tsx';
import { useSaveReport } from './queries.ts';

const formatLabels: Record<ReportFormat, string> = { html: 'HTML (charts, for sharing)', json: 'JSON (for scripts)', csv: 'CSV (one row per file)', md: 'Markdown (for tickets)' };

export function ExportReport({ runId }: { runId: string }) {
  const [format, setFormat] = useState<ReportFormat>('html');
  const { reportDownloadUrl } = useTransport();
  const save = useSaveReport();
  const selectId = useId();
  return (
    <div className="export-report">
      <label htmlFor={selectId}>Report format</label>
      <select id={selectId} value={format} onChange={(event) => setFormat(REPORT_FORMATS.find((f) => f === event.target.value) ?? 'html')}>
        {REPORT_FORMATS.map((f) => (
          <option key={f} value={f}>
            {formatLabels[f]}
          </option>
        ))}
      </select>
      {reportDownloadUrl ? (
        <a className="button" href={reportDownloadUrl(runId, format)} download={`keyload-run-${runId.slice(0, 8)}.${format}`}>
          Export report…
        </a>
      ) : (
        <button type="button" disabled={save.isPending} onClick={() => save.mutate({ runId, format })}>
          Export report…
        </button>
      )}
      <SavedTo path={save.data?.savedTo} />
      <ErrorNotice error={save.error} onDismiss={save.reset} title="Could not export the report" />
    </div>
  );
}
