// One file's live progress as a compact row: name, stage chip, bar, numbers. Subscribes to that
// file only, so other files' updates skip it.
import type { RunSummary } from '../../../shared/ipc/contract.ts';
import { emptyCounts, type FileProgress, type FileResult } from '../../../shared/load-types.ts';
import { fileName, formatCount, formatEta } from '../../ui/format.ts';
import { fileState, isRunningStage } from './file-state.ts';
import { useFileProgress } from './run-store-context.tsx';
import { StateChip } from './state-chip.tsx';

interface FileProgressRowProps {
  runId: string;
  path: string;
  status: RunSummary['status'];
  /** The file's final result, once the run has one. */
  result: FileResult | undefined;
}

export function FileProgressRow({ runId, path, status, result }: FileProgressRowProps) {
  const progress = useFileProgress(runId, path);
  const name = fileName(path);
  const state = fileState(progress, result, status);
  const live = status === 'running' && progress !== undefined && isRunningStage(progress.stage);
  // A queued file has no numbers yet, nor one the run never reached.
  const ended = result !== undefined || (progress !== undefined && progress.stage !== 'queued' && !isRunningStage(progress.stage));
  return (
    <div className="progress-row">
      <strong className="progress-name" title={path}>
        {name}
      </strong>
      <StateChip label={state.label} tone={state.tone} />
      <progress aria-label={`Progress of ${name}`} max={1} value={fraction(progress, result)} />
      <span className="progress-numbers">{live ? <LiveNumbers progress={progress} /> : ended && <FinalNumbers progress={progress} result={result} />}</span>
      {state.note && <span className={`progress-note ${state.tone === 'danger' ? 'text-error' : 'muted'}`}>{state.note}</span>}
    </div>
  );
}

function LiveNumbers({ progress }: { progress: FileProgress }) {
  if (progress.stage === 'merging') {
    if (progress.stagedRows === 0) return <span className="muted">merging…</span>;
    const percent = Math.floor((progress.mergedRows / progress.stagedRows) * 100);
    return (
      <span className="muted">
        merging <span className="num">{percent}%</span> (<span className="num">{formatCount(progress.mergedRows)}</span> of{' '}
        <span className="num">{formatCount(progress.stagedRows)}</span> rows){progress.etaSeconds !== null && ` · ${formatEta(progress.etaSeconds)}`}
      </span>
    );
  }
  return (
    <span className="muted">
      <span className="num">{formatCount(progress.counts.read)}</span> rows · <span className="num">{formatCount(progress.rowsPerSecond)}</span> rows/s · {formatEta(progress.etaSeconds)}
    </span>
  );
}

function FinalNumbers({ progress, result }: { progress: FileProgress | undefined; result: FileResult | undefined }) {
  const counts = result?.counts ?? progress?.counts ?? emptyCounts();
  const parts: [number, string][] = [
    [counts.read, 'read'],
    [counts.inserted, 'inserted'],
    [counts.updated, 'updated'],
    [counts.unchanged, 'unchanged'],
    [counts.collapsed, 'duplicates'],
  ];
  // Only runs of several files with shared keys supersede rows.
  if (counts.superseded > 0) parts.push([counts.superseded, 'superseded']);
  return (
    <span className="muted">
      {parts.map(([value, label], index) => (
        <span key={label}>
          {index > 0 && ' · '}
          <span className="num">{formatCount(value)}</span> {label}
        </span>
      ))}
      {counts.rejected > 0 && (
        <span className="text-error">
          {' · '}
          <span className="num">{formatCount(counts.rejected)}</span> rejected
        </span>
      )}
    </span>
  );
}

/** Bytes read, or rows merged while merging; full only for a file that is through. */
function fraction(progress: FileProgress | undefined, result: FileResult | undefined): number {
  if (result?.status === 'loaded' || result?.status === 'skipped' || progress?.stage === 'done' || progress?.stage === 'skipped') return 1;
  if (!progress) return 0;
  if (progress.stage === 'merging' && progress.stagedRows > 0) return progress.mergedRows / progress.stagedRows;
  return progress.totalBytes > 0 ? progress.bytesRead / progress.totalBytes : 0;
}
