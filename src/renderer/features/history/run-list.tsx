// Past runs, newest first; choosing one opens its detail.
import type { RunSummary } from '../../../shared/ipc/contract.ts';
import { plural } from '../../../shared/plural.ts';
import { formatCount, formatDate, formatDuration } from '../../ui/format.ts';
import { RunStatusChip } from '../run/state-chip.tsx';

export function RunList({ runs, selected, onSelect }: { runs: RunSummary[]; selected: string | null; onSelect: (runId: string) => void }) {
  return (
    <ul className="run-list" aria-label="Runs">
      {runs.map((run) => (
        <li key={run.runId}>
          <button type="button" className="run-item" aria-current={run.runId === selected ? 'true' : undefined} onClick={() => onSelect(run.runId)}>
            <span className="run-item-title">
              <strong>{run.table}</strong> <RunStatusChip status={run.status} />
            </span>
            <span className="muted">
              {formatDate(run.startedAt)} · {run.connectionName} · {run.mode} · {plural(run.files, 'file')}
              {run.seconds !== null && ` · ${formatDuration(run.seconds)}`}
            </span>
            {run.totals && (
              <span className="muted">
                {formatCount(run.totals.read)} read, {formatCount(run.totals.inserted)} inserted, {formatCount(run.totals.updated)} updated, {formatCount(run.totals.rejected)} rejected
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}
