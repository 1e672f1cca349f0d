// The row preview's grid: line numbers, each column's name and detected type, every cell as text,
// and the cells the load would reject marked (colour, an icon, and the reason as text for screen
// readers and as a tooltip). Virtualized in both directions: only the cells in view are rendered,
// so a file with thousands of columns scrolls as smoothly as one with three.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import type { FilePreview } from '../../../shared/ipc/contract.ts';

const ROW_HEIGHT = 30;
const HEADER_HEIGHT = 44;
const LINE_WIDTH = 72;
const COLUMN_WIDTH = 168;
// Used until the grid is measured (and in tests, where nothing is laid out).
const INITIAL_RECT = { width: 1200, height: 420 };

interface PreviewGridProps {
  preview: FilePreview;
  /** The grid's accessible name. */
  label: string;
  /** Lines for CSV, row numbers for Parquet. */
  lineLabel: string;
}

export function PreviewGrid({ preview, label, lineLabel }: PreviewGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { columns, rows, lines } = preview;
  const invalid = useMemo(() => new Map(preview.invalidCells.map((cell) => [`${cell.row}:${cell.column}`, cell.reason])), [preview.invalidCells]);
  const rowVirtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    initialRect: INITIAL_RECT,
    useFlushSync: false,
  });
  const columnVirtualizer = useVirtualizer({
    horizontal: true,
    count: columns.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => COLUMN_WIDTH,
    overscan: 3,
    initialRect: INITIAL_RECT,
    useFlushSync: false,
  });
  const width = LINE_WIDTH + columnVirtualizer.getTotalSize();
  const visibleColumns = columnVirtualizer.getVirtualItems();

  return (
    <div
      ref={scrollRef}
      className="data-grid preview-grid"
      role="grid"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length + 1}
      aria-readonly="true"
      // Focusable, so the keyboard scrolls it.
      tabIndex={0}
    >
      <div className="preview-canvas" style={{ width, height: HEADER_HEIGHT + rowVirtualizer.getTotalSize() }}>
        <div role="row" aria-rowindex={1} className="preview-row preview-header" style={{ width, height: HEADER_HEIGHT }}>
          <div role="columnheader" aria-colindex={1} className="preview-line" style={{ width: LINE_WIDTH }}>
            {lineLabel}
          </div>
          {visibleColumns.map((column) => {
            const info = columns[column.index];
            return (
              info && (
                <div key={column.key} role="columnheader" aria-colindex={column.index + 2} className="preview-cell" style={{ left: LINE_WIDTH + column.start, width: column.size }}>
                  <span className="preview-column-name" title={info.name}>
                    {info.name}
                  </span>
                  <span className="chip chip-neutral preview-type">{info.pgType}</span>
                </div>
              )
            );
          })}
        </div>
        {rowVirtualizer.getVirtualItems().map((row) => (
          <div
            key={row.key}
            role="row"
            aria-rowindex={row.index + 2}
            className="preview-row"
            style={{ width, height: ROW_HEIGHT, transform: `translateY(${HEADER_HEIGHT + row.start}px)` }}
          >
            <div role="rowheader" aria-colindex={1} className="preview-line num" style={{ width: LINE_WIDTH }}>
              {lines[row.index]}
            </div>
            {visibleColumns.map((column) => {
              const value = rows[row.index]?.[column.index] ?? null;
              const reason = invalid.get(`${row.index}:${column.index}`);
              return (
                <div
                  key={column.key}
                  role="gridcell"
                  aria-colindex={column.index + 2}
                  className={reason ? 'preview-cell cell-invalid' : 'preview-cell'}
                  style={{ left: LINE_WIDTH + column.start, width: column.size }}
                  title={reason ?? value ?? undefined}
                >
                  {reason && (
                    <span className="cell-invalid-icon" aria-hidden="true">
                      ⚠
                    </span>
                  )}
                  {value === null ? <span className="cell-null">NULL</span> : value}
                  {reason && <span className="visually-hidden"> (will be rejected: {reason})</span>}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
