// The run's report inline in History: its charts and notices, and the export. The counts, files and
// rejects it also holds are shown by the run's detail itself.
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { Loading } from '../../ui/states.tsx';
import { ExportReport } from './export-report.tsx';
import { useRunReport } from './queries.ts';
import { ReportCharts } from './report-charts.tsx';

export function RunReportSection({ runId }: { runId: string }) {
  const report = useRunReport(runId);
  return (
    <section className="run-report" aria-labelledby={`report-${runId}`}>
      <h3 id={`report-${runId}`}>Report</h3>
      {report.isPending && <Loading>Reading the report…</Loading>}
      <ErrorNotice error={report.error} title="Could not read the report" />
      {report.data === null && <p className="muted">This run has no report: it ran before Keyload kept them, or failed before it started.</p>}
      {report.data && (
        <>
          <ExportReport runId={runId} />
          <ReportCharts report={report.data} />
          {report.data.notices.length > 0 && (
            <>
              <h4>Notices</h4>
              <ul className="report-notices">
                {report.data.notices.map((notice, index) => (
                  <li key={index}>{notice}</li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
