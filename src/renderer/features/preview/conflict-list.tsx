// The conflicting keys, paged from the engine and rendered only in view; a key expands to its versions.
import { useState } from 'react';
import type { ConflictEntry } from '../../../shared/preview-types.ts';
import { VirtualList } from '../../ui/virtual-list.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { formatCount } from '../../ui/format.ts';
import { conflictKindText, type ConflictFilter } from './conflict-filter.ts';
import { ConflictVersions } from './conflict-versions.tsx';
import { PAGE_SIZE, useConflictPage, type Ranking } from './queries.ts';

interface ListProps {
  ranking: Ranking;
  filter: ConflictFilter;
}

function keyText(entry: ConflictEntry): string {
  return Object.entries(entry.key)
    .map(([column, value]) => `${column} ${String(value)}`)
    .join(', ');
}

export function ConflictList(props: ListProps) {
  const first = useConflictPage(props.ranking, props.filter, 0);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const toggle = (index: number) =>
    setExpanded((now) => {
      const next = new Set(now);
      if (!next.delete(index)) next.add(index);
      return next;
    });
  if (first.error) return <ErrorNotice error={first.error} title="Could not read the conflicts" />;
  if (!first.data) return <p className="muted">Reading the conflicts…</p>;
  const total = first.data.total;
  if (total === 0) return <p className="muted">No conflicts match.</p>;
  return (
    <>
      <p className="muted" role="status">
        {formatCount(total)} {total === 1 ? 'conflict' : 'conflicts'}
      </p>
      <VirtualList
        kind="list"
        label="Conflicts"
        count={total}
        estimateSize={44}
        getKey={(index) => `${props.ranking.epoch}:${JSON.stringify(props.filter)}:${index}`}
        renderItem={(index) => <ConflictRow {...props} index={index} expanded={expanded.has(index)} onToggle={() => toggle(index)} />}
      />
    </>
  );
}

function ConflictRow({ ranking, filter, index, expanded, onToggle }: ListProps & { index: number; expanded: boolean; onToggle: () => void }) {
  const page = useConflictPage(ranking, filter, Math.floor(index / PAGE_SIZE));
  const entry = page.data?.entries[index % PAGE_SIZE];
  if (!entry) return <div className="conflict-row muted">…</div>;
  const name = keyText(entry);
  return (
    <div className="conflict-row">
      <button type="button" className="conflict-toggle" aria-expanded={expanded} onClick={onToggle}>
        <span aria-hidden="true">{expanded ? '▾' : '▸'}</span> <span className="conflict-key">{name}</span>
        <span className="chip chip-neutral">{conflictKindText[entry.kind]}</span>
        {entry.columns.length > 0 && <span className="muted">differs in {entry.columns.join(', ')}</span>}
      </button>
      {expanded && <ConflictVersions entry={entry} label={`Versions of ${name}`} />}
    </div>
  );
}
