// Renders only the rows in view, so lists of thousands stay fast. Rows may differ in height: each is
// measured once rendered.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';

interface VirtualListProps {
  count: number;
  /** Typical row height in pixels, used until a row is measured. */
  estimateSize: number;
  getKey: (index: number) => string;
  renderItem: (index: number) => ReactNode;
  /** 'list': a list of items; 'rows': the body rows of an ARIA table (the header is row 1). */
  kind: 'list' | 'rows';
  label?: string;
}

export function VirtualList({ count, estimateSize, getKey, renderItem, kind, label }: VirtualListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimateSize,
    getItemKey: getKey,
    overscan: 8,
    // Progress updates re-render often; synchronous flushes would block the frame.
    useFlushSync: false,
  });
  return (
    <div ref={scrollRef} className="virtual-scroll">
      <div role={kind === 'list' ? 'list' : 'rowgroup'} aria-label={label} className="virtual-body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => (
          <div
            key={item.key}
            ref={virtualizer.measureElement}
            data-index={item.index}
            className="virtual-item"
            style={{ transform: `translateY(${item.start}px)` }}
            {...(kind === 'list'
              ? { role: 'listitem', 'aria-setsize': count, 'aria-posinset': item.index + 1 }
              : { role: 'row', 'aria-rowindex': item.index + 2 })}
          >
            {renderItem(item.index)}
          </div>
        ))}
      </div>
    </div>
  );
}
