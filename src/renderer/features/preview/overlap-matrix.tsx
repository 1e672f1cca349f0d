// Files x files, plus the table: keys shared by each pair and how many of them are in conflict,
// heat-coloured by conflicts (the numbers are always written out). A cell filters the conflict list.
import type { PreviewSummary } from '../../../shared/preview-types.ts';
import { fileName, formatCount } from '../../ui/format.ts';
import type { ConflictFilter } from './conflict-filter.ts';
import { useConflictTotals, type Ranking } from './queries.ts';

const TABLE = 'table';

interface Cell {
  filter: ConflictFilter;
  shared: number | null;
  label: (conflicts: string) => string;
}

function cells(summary: PreviewSummary): Cell[][] {
  const files = summary.files.filter((file) => file.status === 'ready');
  const rows = files.map((a, i) => [
    ...files.map((b, j): Cell => {
      const shared = summary.overlap[a.position]?.[b.position] ?? 0;
      return i === j
        ? { filter: { kind: 'duplicate', files: [a.path, a.path] }, shared, label: (c) => `${fileName(a.path)}: ${formatCount(shared)} distinct keys, ${c} repeated within the file` }
        : { filter: { kind: 'cross-file', files: [a.path, b.path] }, shared, label: (c) => `${fileName(a.path)} and ${fileName(b.path)}: ${formatCount(shared)} shared keys, ${c} in conflict` };
    }),
    { filter: { kind: 'target', files: [a.path, a.path] }, shared: null, label: (c) => `${fileName(a.path)} and the table: ${c} stored keys would change` } satisfies Cell,
  ]);
  const tableRow: Cell[] = [
    ...files.map((a): Cell => ({ filter: { kind: 'target', files: [a.path, a.path] }, shared: null, label: (c) => `The table and ${fileName(a.path)}: ${c} stored keys would change` })),
    { filter: { kind: 'target' }, shared: summary.target.existingKeys, label: (c) => `The table: ${formatCount(summary.target.existingKeys)} stored keys in the files, ${c} would change` },
  ];
  return [...rows, tableRow];
}

export function OverlapMatrix({ ranking, selected, onSelect }: {
  ranking: Ranking;
  selected: ConflictFilter;
  onSelect: (filter: ConflictFilter) => void;
}) {
  const { summary } = ranking;
  const grid = cells(summary);
  const flat = grid.flat();
  const totals = useConflictTotals(ranking, flat.map((cell) => cell.filter));
  const conflictsOf = (index: number) => totals[index]?.data;
  const highest = Math.max(1, ...flat.map((_, index) => conflictsOf(index) ?? 0));
  const names = [...summary.files.filter((file) => file.status === 'ready').map((file) => fileName(file.path)), TABLE];
  let index = 0;
  return (
    <div className="data-grid overlap-matrix">
      <table aria-label="Overlap between files and the table">
        <thead>
          <tr>
            <td />
            {names.map((name) => (
              <th key={name} scope="col">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.map((row, r) => (
            <tr key={names[r]}>
              <th scope="row">{names[r]}</th>
              {row.map((cell) => {
                const at = index++;
                const conflicts = conflictsOf(at);
                const conflictText = conflicts === undefined ? '…' : formatCount(conflicts);
                const heat = conflicts === undefined ? 0 : conflicts / highest;
                const isSelected = JSON.stringify(cell.filter) === JSON.stringify(selected);
                return (
                  <td key={at} className="num">
                    <button
                      type="button"
                      className={`heat-cell${isSelected ? ' heat-cell-selected' : ''}`}
                      style={{ backgroundColor: `hsl(32 100% ${Math.round(97 - heat * 32)}%)` }}
                      aria-label={cell.label(conflictText)}
                      aria-pressed={isSelected}
                      onClick={() => onSelect(cell.filter)}
                    >
                      {cell.shared !== null && <span className="heat-shared">{formatCount(cell.shared)}</span>}
                      <span className="heat-conflicts">{conflictText} ≠</span>
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Each cell: keys shared (top) and keys in conflict (≠). Choose a cell to list its conflicts.</p>
    </div>
  );
}
