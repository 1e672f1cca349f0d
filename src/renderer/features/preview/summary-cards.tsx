// What the load would do, in totals: the same counts the load then reports.
import type { PreviewSummary } from '../../../shared/preview-types.ts';
import { formatCount } from '../../ui/format.ts';

/** `conflictKeys`: keys the conflict list holds (each once, whatever its kinds); undefined while counted. */
export function SummaryCards({ summary, conflictKeys }: { summary: PreviewSummary; conflictKeys: number | undefined }) {
  const { totals } = summary;
  const cards: [string, number | undefined][] = [
    ['Would insert', totals.inserted],
    ['Would update', totals.updated],
    ['Unchanged', totals.unchanged],
    ['Superseded', totals.superseded],
    ['Duplicates collapsed', totals.collapsed],
    ['Rejected', totals.rejected],
    ['Keys in conflict', conflictKeys],
  ];
  return (
    <ul className="preview-cards" aria-label="What the load would do">
      {cards.map(([label, value]) => (
        <li key={label} className="preview-card">
          <span className="preview-card-value num">{value === undefined ? '…' : formatCount(value)}</span>
          <span className="preview-card-label">{label}</span>
        </li>
      ))}
    </ul>
  );
}
