// What a finished run did: totals, rejects files, each file, and why it failed if it did.
import { plural } from '../../../shared/plural.ts';
import { useRunDetail } from '../history/queries.ts';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { formatDuration } from '../../ui/format.ts';
import { RejectsEntry } from '../rejects/rejects-entry.tsx';
import { ExportReport } from '../report/export-report.tsx';
import { CountsList, FileResults } from './results.tsx';
import type { RunView } from './run-store.ts';

export function RunOutcome({ run }: { run: RunView }) {
  const { result } = run;
  return (
    <section className="panel" aria-labelledby="outcome-heading">
      <h2 id="outcome-heading">Summary</h2>
      {run.status === 'failed' && <RunFailure runId={run.runId} />}
      {result && (
        <>
          <p className="muted">
            {plural(result.files.length, 'file')} into {result.table} ({result.mode}) in {formatDuration(result.seconds)}, concurrency {result.concurrency} × {result.internalConcurrency}.
            {result.createdTable && ` This run created the table ${result.table}.`}
          </p>
          <CountsList counts={result.totals} label="Total rows" />
          <RejectsEntry runId={run.runId} files={result.files} />
          <FileResults files={result.files} />
          <ExportReport runId={run.runId} />
          {!result.dryRun && <p className="muted">The app keeps what it takes to undo this run: History, this run, "Undo this run…" puts the table back as it was.</p>}
        </>
      )}
    </section>
  );
}

/** The run's own error (e.g. the target could not be planned) is only in its history record. */
function RunFailure({ runId }: { runId: string }) {
  const detail = useRunDetail(runId);
  return <ErrorNotice error={detail.error ?? detail.data?.error} title="The run failed" />;
}
