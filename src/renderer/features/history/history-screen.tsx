// History screen: past runs with search, one run's detail, and "Run again".
import { useState } from 'react';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { EmptyState, Loading } from '../../ui/states.tsx';
import { useDebouncedValue } from '../../ui/use-debounced-value.ts';
import { useRuns } from './queries.ts';
import { RunDetailPanel } from './run-detail.tsx';
import { RunList } from './run-list.tsx';

export function HistoryScreen({ onRunStarted }: { onRunStarted: () => void }) {
  const [search, setSearch] = useState('');
  const query = useDebouncedValue(search.trim(), 250);
  const runs = useRuns(query);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <header className="screen-header">
        <h1 tabIndex={-1}>History</h1>
        <p className="muted">Every run with its settings and results, newest first.</p>
      </header>
      <label className="field">
        <span>Search runs</span>
        <input type="search" value={search} placeholder="Table, connection, status…" onChange={(event) => setSearch(event.target.value)} />
      </label>
      <div className="history-layout">
        <div>
          {runs.isPending && <Loading>Loading runs…</Loading>}
          <ErrorNotice error={runs.error} title="Could not load the history" />
          {runs.data?.length === 0 && <EmptyState title={query ? `No runs match “${query}”` : 'No runs yet'}>{query ? 'Try another search.' : 'Runs appear here once started.'}</EmptyState>}
          {runs.data && runs.data.length > 0 && <RunList runs={runs.data} selected={selected} onSelect={setSelected} />}
        </div>
        {selected ? <RunDetailPanel key={selected} runId={selected} onRunStarted={onRunStarted} /> : <EmptyState title="No run open">Choose a run to see its settings, results and errors.</EmptyState>}
      </div>
    </>
  );
}
