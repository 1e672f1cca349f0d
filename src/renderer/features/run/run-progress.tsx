// The run in progress: totals, connection pool, and each file.
import type { PoolSample } from '../../../shared/load-types.ts';
import { formatBytes, formatEta } from '../../ui/format.ts';
import { ProgressBar } from '../../ui/progress-bar.tsx';
import { VirtualList } from '../../ui/virtual-list.tsx';
import { FileProgressRow } from './file-progress-row.tsx';
import { CountsList } from './results.tsx';
import type { RunView } from './run-store.ts';

export function RunProgress({ run }: { run: RunView }) {
  const { totals } = run;
  return (
    <>
      <div className="total-progress">
        <ProgressBar
          label="Total progress"
          max={Math.max(totals.totalBytes, 1)}
          value={run.status === 'running' ? totals.bytesRead : Math.max(totals.totalBytes, 1)}
          valueText={[
            `${totals.finishedFiles} of ${run.files.length} files finished`,
            totals.totalBytes > 0 ? `${formatBytes(totals.bytesRead)} of ${formatBytes(totals.totalBytes)} read` : '',
            run.status === 'running' ? formatEta(totals.etaSeconds) : '',
          ]
            .filter(Boolean)
            .join(' · ')}
        />
      </div>
      {/* Once the run is over, the summary below shows the final counts. */}
      {run.status === 'running' && <CountsList counts={totals.counts} label="Rows so far" />}
      {run.pool && <PoolUsage sample={run.pool} />}
      {run.notices.length > 0 && (
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
        estimateSize={76}
        getKey={(index) => run.files[index] ?? String(index)}
        renderItem={(index) => {
          const path = run.files[index];
          return path && <FileProgressRow runId={run.runId} path={path} />;
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
