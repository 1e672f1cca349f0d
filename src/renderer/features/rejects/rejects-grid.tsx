// The rejected rows as an ARIA table: line, column and reason first, then the row's raw values. Only
// the rows in view are rendered (a page holds up to 1,000), and the header stays in view while the
// grid scrolls both ways. Rows have one fixed height; a cell too long for its column shows the rest
// on hover (title).
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { RejectsPage } from '../../../shared/ipc/contract.ts';

/** The rejects file's own first three columns; the rest are the input file's columns. */
const FIXED = 3;
const widths = { line: 5.5, column: 10, reason: 24, value: 10 };
/** Pixels; matches .rejects-row's height in styles.css. */
const ROW_HEIGHT = 32;

export function RejectsGrid({ page, label }: { page: RejectsPage; label: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: page.rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    useFlushSync: false,
  });
  const values = page.columns.slice(FIXED);
  const template = [`${widths.line}rem`, `${widths.column}rem`, `minmax(${widths.reason}rem, 2fr)`, ...values.map(() => `minmax(${widths.value}rem, 1fr)`)].join(' ');
  const minWidth = `${widths.line + widths.column + widths.reason + widths.value * values.length}rem`;
  const headers = ['Line', 'Column', 'Reason', ...values];
  return (
    <div ref={scrollRef} className="rejects-grid data-grid" role="table" aria-label={label} aria-rowcount={page.rows.length + 1} tabIndex={0}>
      <div role="rowgroup" className="rejects-head" style={{ minWidth }}>
        <div role="row" aria-rowindex={1} className="rejects-row" style={{ gridTemplateColumns: template }}>
          {headers.map((name, index) => (
            <span key={index} role="columnheader" className={index === 0 ? 'num' : index >= FIXED ? 'rejects-value-head' : undefined}>
              {name}
            </span>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="rejects-body" style={{ height: virtualizer.getTotalSize(), minWidth }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = page.rows[item.index] ?? [];
          return (
            <div
              key={item.key}
              role="row"
              aria-rowindex={item.index + 2}
              className="rejects-row"
              style={{ gridTemplateColumns: template, transform: `translateY(${item.start}px)` }}
            >
              <span role="cell" className="num">
                {row[0]}
              </span>
              <span role="cell" className="rejects-column" title={row[1] ?? undefined}>
                {row[1] ?? <span className="muted">whole row</span>}
              </span>
              <span role="cell" className="rejects-reason" title={row[2] ?? undefined}>
                {row[2]}
              </span>
              {values.map((_, index) => (
                <Value key={index} value={row[FIXED + index]} />
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Value({ value }: { value: string | null | undefined }) {
  if (value === null || value === undefined) {
    return (
      <span role="cell" className="rejects-value">
        <span className="null-value">NULL</span>
      </span>
    );
  }
  return (
    <span role="cell" className="rejects-value" title={value}>
      {value}
    </span>
  );
}
