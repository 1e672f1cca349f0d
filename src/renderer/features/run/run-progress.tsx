// The run in progress: totals, connection pool, and each file. Once the run is over, only what is
// still true stays: the bytes it got through, each file's outcome; no live pool or plan notices.
import { useMemo } from 'react';
import type { PoolSample } from '../../../shared/load-types.ts';
import { lockWaitMessage } from '../../../shared/lock-wait.ts';
import { plural } from '../../../shared/plural.ts';
import { formatBytes, formatEta } from '../../ui/format.ts';
import { ProgressBar } from '../../ui/progress-bar.tsx';
import { VirtualList } from '../../ui/virtual-list.tsx';
import { FileProgressRow } from './file-progress-row.tsx';
import { outcomeSummary } from './file-state.ts';
import { CountsList } from './results.tsx';
import type { RunView } from './run-store.ts';

export function RunProgress({ run }: { run: RunView }) {
  const { totals } = run;
  const running = run.status === 'running';
  const loaded = run.status === 'loaded' || run.status === 'loaded with rejects';
  const results = useMemo(() => new Map(run.result?.files.map((file) => [file.path, file])), [run.result]);
  return (
    <>
      <div className="total-progress">
        <ProgressBar
          label="Total progress"
          max={Math.max(totals.totalBytes, 1)}
          value={loaded ? Math.max(totals.totalBytes, 1) : totals.bytesRead}
          valueText={[
            run.result && !running ? outcomeSummary(run.result.files) : `${totals.finishedFiles} of ${plural(run.files.length, 'file')} finished`,
            totals.totalBytes > 0 ? `${formatBytes(totals.bytesRead)} of ${formatBytes(totals.totalBytes)} read` : '',
            running ? formatEta(totals.etaSeconds) : '',
          ]
            .filter(Boolean)
            .join(' · ')}
        />
      </div>
      {/* Once the run is over, the summary below shows the final counts. */}
      {running && <CountsList counts={totals.counts} label="Rows so far" />}
      {running && run.pool && <PoolUsage sample={run.pool} />}
      {running && run.lockWaits.length > 0 && (
        <ul className="notices" aria-label="Lock waits">
          {run.lockWaits.map((wait) => (
            <li key={`${wait.holderPid}:${wait.relation ?? ''}`}>{lockWaitMessage(wait)}</li>
          ))}
        </ul>
      )}
      {running && run.notices.length > 0 && (
        <ul className="notices" aria-label="Notices">
          {run.notices.map((notice, index) => (
            <li key={index}>{notice}</li>
          ))}
        </ul>
      )}
      <VirtualList
        kind="list"
        label="File progress"
        count={run.files.length}
        estimateSize={44}
        getKey={(index) => run.files[index] ?? String(index)}
        renderItem={(index) => {
          const path = run.files[index];
          return path && <FileProgressRow runId={run.runId} path={path} status={run.status} result={results.get(path)} />;
        }}
      />
    </>
  );
}

function PoolUsage({ sample }: { sample: PoolSample }) {
  const inUse = sample.total - sample.idle;
  return (
    <div className="pool">
      <meter aria-label="Connections in use" min={0} max={Math.max(sample.total, 1)} value={inUse} />
      <p className="muted">
        Connections: {inUse} in use, {sample.idle} idle, {sample.waiting} waiting
      </p>
    </div>
  );
}
