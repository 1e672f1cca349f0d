// One past run: its settings, timings, per-file results and errors, pool usage, and its report.
import type { RunDetail } from '../../../shared/ipc/contract.ts';
import type { PoolMetrics } from '../../../shared/load-types.ts';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { ErrorPanel } from '../../ui/error-panel.tsx';
import { fileName, formatDate, formatDuration } from '../../ui/format.ts';
import { EmptyState, Loading } from '../../ui/states.tsx';
import { plural } from '../../../shared/plural.ts';
import { LOAD_DEFAULTS } from '../../../shared/vocabulary.ts';
import { RunStatusChip } from '../run/state-chip.tsx';
import { CountsList, FileResults } from '../run/results.tsx';
import { RejectsEntry } from '../rejects/rejects-entry.tsx';
import { RunReportSection } from '../report/run-report.tsx';
import { useRunDetail } from './queries.ts';
import { RunAgain } from './run-again.tsx';
import { UndoRun } from '../undo/undo-run.tsx';
import { SettingsList } from '../../ui/settings-list.tsx';

export function RunDetailPanel({ runId, onRunStarted }: { runId: string; onRunStarted: () => void }) {
  const detail = useRunDetail(runId);
  if (detail.isPending) return <Loading>Loading the run…</Loading>;
  if (detail.isError) return <ErrorNotice error={detail.error} title="Could not open the run" />;
  if (!detail.data) return <EmptyState title="Run not found">It is no longer in the history.</EmptyState>;
  const run = detail.data;
  return (
    <article className="run-detail" aria-labelledby="run-detail-heading">
      <header className="run-detail-header">
        <h2 id="run-detail-heading">
          {run.table} <RunStatusChip status={run.status} />
        </h2>
        <div className="run-detail-actions">
          <UndoRun run={run} />
          <RunAgain detail={run} onStarted={onRunStarted} />
        </div>
      </header>
      <ErrorPanel error={run.error} title="The run failed" />
      <Settings run={run} />
      {run.result && (
        <>
          <h3>Results</h3>
          <CountsList counts={run.result.totals} label="Total rows" />
          <RejectsEntry runId={run.runId} files={run.result.files} />
          <FileResults files={run.result.files} />
          {run.result.pool && <Pool pool={run.result.pool} />}
        </>
      )}
      {run.status !== 'running' && <RunReportSection runId={run.runId} />}
    </article>
  );
}

function Settings({ run }: { run: RunDetail }) {
  const { options } = run;
  const policy = options.mode === 'append' ? 'none (append)' : options.conflictPolicy === 'version' ? `highest ${options.versionColumn}` : (options.conflictPolicy ?? LOAD_DEFAULTS.conflictPolicy);
  const rows: [string, string][] = [
    ['Connection', run.connectionName],
    // Only what the run did: asking to create a table that then existed, or a failed run, created nothing.
    ['Table', `${options.table}${run.result?.createdTable ? ' (created)' : ''}`],
    ['Mode', options.mode],
    ['Key', options.key?.join(', ') ?? 'primary key'],
    ['Duplicate keys', policy],
    ['Column mapping', describeMap(options.map)],
    ['Concurrency', `${plural(options.concurrency, 'file')} × ${plural(options.internalConcurrency, 'connection')}`],
    ['Started', formatDate(run.startedAt)],
    ['Finished', run.finishedAt ? formatDate(run.finishedAt) : 'not finished'],
    ['Duration', run.seconds !== null ? formatDuration(run.seconds) : 'unknown'],
    ['Started from', run.source === 'cli' ? 'the command line' : 'the app'],
    ['Run folder', run.reportDir],
  ];
  return (
    <>
      <h3>Settings</h3>
      <SettingsList rows={rows} />
      <h4>Files in load order</h4>
      <ol className="file-order">
        {options.files.map((path) => (
          <li key={path} title={path}>
            {fileName(path)}
          </li>
        ))}
      </ol>
    </>
  );
}

function describeMap(map: Record<string, string | null>): string {
  const choices = Object.values(map);
  if (choices.length === 0) return 'by name';
  const skipped = choices.filter((target) => target === null).length;
  return `${choices.length - skipped} mapped, ${skipped} skipped, others by name`;
}

function Pool({ pool }: { pool: PoolMetrics }) {
  const rows: [string, string][] = [
    ['Pool size', String(pool.size)],
    ['Peak connections', String(pool.peakTotal)],
    ['Peak waiting', String(pool.peakWaiting)],
    ['Average in use', (pool.averageTotal - pool.averageIdle).toFixed(1)],
    ['Average waiting', pool.averageWaiting.toFixed(1)],
  ];
  return (
    <>
      <h3>Connection pool</h3>
      <SettingsList rows={rows} label="Connection pool" />
    </>
  );
}
