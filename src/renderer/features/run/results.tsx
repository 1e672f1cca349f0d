// How a load's outcome reads, shared by the Run screen and History.
import type { FileResult, RowCounts } from '../../../shared/load-types.ts';
import { isCancelled } from '../../../shared/run-status.ts';
import { fileName, formatCount, formatDuration } from '../../ui/format.ts';
import { ErrorPanel } from '../../ui/error-panel.tsx';
import { resultState } from './file-state.ts';
import { StateChip } from './state-chip.tsx';

const countLabels: [keyof RowCounts, string][] = [
  ['read', 'Read'],
  ['inserted', 'Inserted'],
  ['updated', 'Updated'],
  ['unchanged', 'Unchanged'],
  ['collapsed', 'Duplicates'],
  ['superseded', 'Superseded'],
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
              <th key={key} scope="col" className="num">
                {name}
              </th>
            ))}
            <th scope="col" className="num">
              Time
            </th>
            <th scope="col">Notes</th>
          </tr>
        </thead>
        <tbody>
          {files.map((file) => (
            <FileResultRow key={file.path} file={file} />
          ))}
        </tbody>
      </table>
      {/* Errors get room of their own, never a narrow table cell. */}
      {files.map((file) => file.error && !isCancelled(file) && <ErrorPanel key={file.path} error={file.error} title={`${fileName(file.path)}: ${resultState(file).label}`} />)}
    </div>
  );
}

function FileResultRow({ file }: { file: FileResult }) {
  const state = resultState(file);
  return (
    <tr>
      <th scope="row" title={file.path}>
        {fileName(file.path)}
      </th>
      <td>
        <StateChip label={state.label} tone={state.tone} />
      </td>
      {countLabels.map(([key]) => (
        <td key={key} className="num">
          {formatCount(file.counts[key])}
        </td>
      ))}
      <td className="num">{formatDuration(file.seconds)}</td>
      <td>
        {state.note && <span className={state.tone === 'danger' ? 'text-error' : undefined}>{state.note}</span>}
      </td>
    </tr>
  );
}
