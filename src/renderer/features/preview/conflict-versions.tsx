// Every version of one conflicting key side by side: the stored row first, then each file's row
// with its file and line; cells that differ from the winner's are highlighted, the winner is marked,
// and the columns the entry is about (differing between files, or changing in the table) are flagged.
import type { ConflictEntry } from '../../../shared/preview-types.ts';
import { fileName } from '../../ui/format.ts';

function text(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function ConflictVersions({ entry, label }: { entry: ConflictEntry; label: string }) {
  if (entry.reject) {
    return (
      <p className="conflict-reject">
        {fileName(entry.reject.file)}, line {entry.reject.line}
        {entry.reject.column ? `, column ${entry.reject.column}` : ''}: {entry.reject.reason}
      </p>
    );
  }
  const winner = entry.versions.find((version) => version.winner)?.values ?? entry.stored ?? {};
  const differing = new Set(entry.columns);
  const columns = [...new Set([...Object.keys(entry.key), ...entry.versions.flatMap((v) => Object.keys(v.values)), ...Object.keys(entry.stored ?? {})])];
  const rows = [
    ...(entry.stored ? [{ id: 'stored', source: 'Stored in the table', values: { ...entry.key, ...entry.stored }, wins: !entry.versions.some((v) => v.winner) }] : []),
    ...entry.versions.map((v) => ({ id: `${v.file}:${v.line}`, source: `${fileName(v.file)}, line ${v.line}`, values: v.values, wins: v.winner })),
  ];
  return (
    <div className="data-grid conflict-versions">
      <table aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Version</th>
            {columns.map((column) => (
              <th key={column} scope="col" className={differing.has(column) ? 'cell-differs' : undefined}>
                {column}
                {differing.has(column) && <span className="visually-hidden"> (differs)</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className={row.wins ? 'version-winner' : undefined}>
              <th scope="row">
                {row.wins && <span className="chip chip-success">Wins</span>} {row.source}
              </th>
              {columns.map((column) => {
                const differs = text(row.values[column]) !== text(winner[column]);
                return (
                  <td key={column} className={differs ? 'cell-differs' : undefined}>
                    {text(row.values[column])}
                    {differs && <span className="visually-hidden"> (differs from the winner)</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {entry.kind === 'target' && entry.columns.length > 0 && <p className="muted">Would change in the table: {entry.columns.join(', ')}</p>}
    </div>
  );
}
