// One file's live progress. Subscribes to that file only, so other files' updates skip it.
import type { FileProgress } from '../../../shared/load-types.ts';
import { fileName, formatCount, formatEta } from '../../ui/format.ts';
import { useFileProgress } from './run-store-context.tsx';

export function FileProgressRow({ runId, path }: { runId: string; path: string }) {
  const progress = useFileProgress(runId, path);
  const name = fileName(path);
  const stage = progress?.stage ?? 'queued';
  return (
    <div className={`progress-row stage-${stage}`}>
      <div className="progress-title">
        <strong title={path}>{name}</strong>
        <span className="stage">{stage}</span>
      </div>
      <progress aria-label={`Progress of ${name}`} max={1} value={fraction(progress)} />
      {progress && <FileNumbers progress={progress} />}
    </div>
  );
}

function FileNumbers({ progress }: { progress: FileProgress }) {
  const { counts } = progress;
  const running = progress.stage === 'reading' || progress.stage === 'staging' || progress.stage === 'merging';
  return (
    <p className="progress-numbers muted">
      {formatCount(counts.read)} rows
      {running && ` · ${formatCount(progress.rowsPerSecond)} rows/s · ${formatEta(progress.etaSeconds)}`}
      {` · ${formatCount(counts.inserted)} inserted, ${formatCount(counts.updated)} updated, ${formatCount(counts.unchanged)} unchanged, ${formatCount(counts.collapsed)} duplicates`}
      {counts.rejected > 0 && <span className="text-error">{`, ${formatCount(counts.rejected)} rejected`}</span>}
    </p>
  );
}

function fraction(progress: FileProgress | undefined): number {
  if (!progress) return 0;
  if (progress.stage === 'done' || progress.stage === 'skipped') return 1;
  return progress.totalBytes > 0 ? progress.bytesRead / progress.totalBytes : 0;
}
