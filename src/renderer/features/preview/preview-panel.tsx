// The conflict preview of the Preview step: it stages the files as the load would (on its own for
// small file sets, on request for large ones), then shows what the load would do, where the files
// overlap, and every conflicting key; the policy and order chosen here are the load's.
import { useState } from 'react';
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import type { FileProgress } from '../../../shared/load-types.ts';
import { useTransport } from '../../api/transport-context.tsx';
import { useDraft } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { SavedTo } from '../../ui/saved-to.tsx';
import { formatBytes } from '../../ui/format.ts';
import { ProgressBar } from '../../ui/progress-bar.tsx';
import { useDebouncedValue } from '../../ui/use-debounced-value.ts';
import { cleanFilter, conflictKindText, type ConflictFilter } from './conflict-filter.ts';
import { ConflictList } from './conflict-list.tsx';
import { OverlapMatrix } from './overlap-matrix.tsx';
import { PolicyControls } from './policy-controls.tsx';
import { useConflictTotals, useRanking, useSaveConflicts, type Ranking } from './queries.ts';
import { SummaryCards } from './summary-cards.tsx';
import { usePreviewSession, type PreviewPlan } from './use-preview-session.ts';

/** Below this many rows in all, the preview starts by itself. */
export const AUTO_PREVIEW_ROWS = 1_000_000;

export function startsByItself(files: FileInspection[]): boolean {
  const rows = files.reduce((sum, file) => sum + (file.rowEstimate ?? Infinity), 0);
  return rows < AUTO_PREVIEW_ROWS;
}

export function PreviewPanel({ plan, onLoad, loading }: { plan: PreviewPlan | null; onLoad: () => void; loading: boolean }) {
  const draft = useDraft();
  const { state, start, cancel } = usePreviewSession(plan, startsByItself(draft.files));
  return (
    <section className="panel" aria-labelledby="preview-conflicts-heading">
      <h2 id="preview-conflicts-heading">Conflicts</h2>
      {!plan && <p className="muted">The conflict preview needs the whole plan: the target, the key and the password.</p>}
      {plan && state.status === 'idle' && (
        <div className="button-row">
          <button type="button" className="button-primary" onClick={start}>
            Preview conflicts
          </button>
          <span className="muted">Stages the files as the load would, without writing to the table.</span>
        </div>
      )}
      {state.status === 'staging' && <Staging progress={state.progress} onCancel={cancel} />}
      {state.status === 'failed' && (
        <>
          <ErrorNotice error={state.error} title="The preview did not finish" />
          <button type="button" onClick={start}>
            Preview conflicts again
          </button>
        </>
      )}
      {state.status === 'ready' && (
        <ReadyPreview
          key={state.previewId}
          previewId={state.previewId}
          opened={{ summary: state.opened, order: state.openedOrder }}
          wanted={{ policy: draft.target.conflictPolicy, order: draft.files.map((file) => file.path) }}
          onLoad={onLoad}
          loading={loading}
        />
      )}
    </section>
  );
}

function Staging({ progress, onCancel }: { progress: FileProgress[]; onCancel: () => void }) {
  const read = progress.reduce((sum, file) => sum + file.bytesRead, 0);
  const total = progress.reduce((sum, file) => sum + file.totalBytes, 0);
  const percent = total > 0 ? Math.round((read / total) * 100) : 0;
  return (
    <div className="button-row">
      <ProgressBar label="Staging the files" value={read} max={Math.max(total, 1)} valueText={`${formatBytes(read)} of ${formatBytes(total)}, ${percent}%`} />
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

function ReadyPreview({ previewId, opened, wanted, onLoad, loading }: { previewId: string; opened: Parameters<typeof useRanking>[2]; wanted: Parameters<typeof useRanking>[1]; onLoad: () => void; loading: boolean }) {
  const { ranking, pending, error } = useRanking(previewId, wanted, opened);
  const [filter, setFilter] = useState<ConflictFilter>({});
  const [keySearch, setKeySearch] = useState('');
  const key = useDebouncedValue(keySearch, 250);
  const shown = cleanFilter({ ...filter, key });
  const [all] = useConflictTotals(ranking, [{}]);
  return (
    <div className="preview-ready" aria-busy={pending}>
      {pending && (
        <p role="status" className="muted">
          Ranking the winners again…
        </p>
      )}
      <ErrorNotice error={error} title="Could not rank the winners" />
      <SummaryCards summary={ranking.summary} conflictKeys={all?.data} />
      <div className="preview-layout">
        <section aria-labelledby="preview-policy-heading">
          <h3 id="preview-policy-heading">Order and policy</h3>
          <PolicyControls />
        </section>
        <section aria-labelledby="preview-matrix-heading">
          <h3 id="preview-matrix-heading">Overlap</h3>
          <OverlapMatrix ranking={ranking} selected={filter} onSelect={setFilter} />
        </section>
      </div>
      <section aria-labelledby="preview-list-heading">
        <h3 id="preview-list-heading">Conflicting keys</h3>
        <ConflictFilters ranking={ranking} filter={filter} onFilter={setFilter} keySearch={keySearch} onKeySearch={setKeySearch} />
        <ConflictList key={`${ranking.epoch}:${JSON.stringify(shown)}`} ranking={ranking} filter={shown} />
      </section>
      <div className="button-row">
        <ExportConflicts previewId={previewId} />
        <button type="button" className="button-primary" disabled={pending || loading} onClick={onLoad}>
          {loading ? 'Starting…' : 'Load'}
        </button>
      </div>
    </div>
  );
}

function ConflictFilters({ ranking, filter, onFilter, keySearch, onKeySearch }: { ranking: Ranking; filter: ConflictFilter; onFilter: (filter: ConflictFilter) => void; keySearch: string; onKeySearch: (key: string) => void }) {
  const columns = ranking.summary.crossFile.columns.map((column) => column.column);
  return (
    <div className="filter-row">
      <label className="field">
        <span>Kind</span>
        <select value={filter.kind ?? ''} onChange={(event) => onFilter(cleanFilter({ ...filter, kind: (event.target.value || undefined) as ConflictFilter['kind'] }))}>
          <option value="">All conflicts</option>
          {Object.entries(conflictKindText).map(([kind, label]) => (
            <option key={kind} value={kind}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Column</span>
        <select value={filter.column ?? ''} onChange={(event) => onFilter(cleanFilter({ ...filter, column: event.target.value }))}>
          <option value="">Any column</option>
          {columns.map((column) => (
            <option key={column} value={column}>
              {column}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Key</span>
        <input type="search" value={keySearch} onChange={(event) => onKeySearch(event.target.value)} />
      </label>
      {filter.files && (
        <button type="button" onClick={() => onFilter(cleanFilter({ ...filter, files: undefined }))}>
          Show every file pair
        </button>
      )}
    </div>
  );
}

function ExportConflicts({ previewId }: { previewId: string }) {
  const { previewConflictsUrl } = useTransport();
  const save = useSaveConflicts();
  if (previewConflictsUrl) {
    return (
      <a className="button" href={previewConflictsUrl(previewId)} download="conflicts.csv">
        Export conflicts (CSV)
      </a>
    );
  }
  return (
    <>
      <button type="button" disabled={save.isPending} onClick={() => save.mutate(previewId)}>
        Export conflicts (CSV)…
      </button>
      <SavedTo path={save.data?.savedTo} />
      <ErrorNotice error={save.error} onDismiss={save.reset} title="Could not export the conflicts" />
    </>
  );
}
