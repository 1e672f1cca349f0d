// How a load's outcome reads, shared by the Run screen and History.
import { formatError } from '../../../shared/errors.ts';
import type { FileResult, RowCounts } from '../../../shared/load-types.ts';
import { fileName, formatCount, formatDuration } from '../../ui/format.ts';
import { StatusBadge } from '../../ui/status-badge.tsx';

const countLabels: [keyof RowCounts, string][] = [
  ['read', 'Read'],
  ['inserted', 'Inserted'],
  ['updated', 'Updated'],
  ['unchanged', 'Unchanged'],
  ['collapsed', 'Duplicates'],
  ['rejected', 'Rejected'],
];

export function CountsList({ counts, label }: { counts: RowCounts; label: string }) {
  return (
    <dl className="counts" aria-label={label}>
      {countLabels.map(([key, name]) => (
        <div key={key} className={key === 'rejected' && counts.rejected > 0 ? 'count count-bad' : 'count'}>
          <dt>{name}</dt>
          <dd>{formatCount(counts[key])}</dd>
        </div>
      ))}
    </dl>
  );
}

export function FileResults({ files }: { files: FileResult[] }) {
  return (
    <div className="table-scroll">
      <table className="results">
        <caption>Per-file results</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Status</th>
            {countLabels.map(([key, name]) => (
              <th key={key} scope="col" className="number">
                {name}
              </th>
            ))}
            <th scope="col" className="number">
              Time
            </th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {files.map((file) => (
            <tr key={file.path}>
              <th scope="row" title={file.path}>
                {fileName(file.path)}
              </th>
              <td>
                <StatusBadge status={file.status} />
              </td>
              {countLabels.map(([key]) => (
                <td key={key} className="number">
                  {formatCount(file.counts[key])}
                </td>
              ))}
              <td className="number">{formatDuration(file.seconds)}</td>
              <td>
                {file.error && <span className="text-error">{`${file.error.code}: ${formatError(file.error)}`}</span>}
                {file.skipReason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
