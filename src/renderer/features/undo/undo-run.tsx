// "Undo this run…" in History: a dialog shows what the undo would do (rows to delete, rows to put
// back, rows changed since and later runs to undo first), and undoes the run once confirmed.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { RunDetail } from '../../../shared/ipc/contract.ts';
import type { UndoConflict, UndoOutcome } from '../../../shared/undo-types.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { formatCount, formatDate } from '../../ui/format.ts';
import { Loading } from '../../ui/states.tsx';
import { needsPassword, useConnections } from '../target/connection.ts';
import { PasswordForm } from '../target/connection-picker.tsx';
import { useUndo, useUndoPreview } from './queries.ts';

export function UndoRun({ run }: { run: RunDetail }) {
  const connections = useConnections();
  const { passwords } = useDraft();
  const [asking, setAsking] = useState(false);
  const connection = connections.data?.find((candidate) => candidate.id === run.connectionId);
  const password = connection ? passwords[connection.id] : undefined;
  // The dialog stays until closed, also once the run shows as undone.
  if (asking) return <UndoDialog run={run} password={password} onClose={() => setAsking(false)} />;
  if (run.undoneAt) return <p className="notice">This run was undone on {formatDate(run.undoneAt)}.</p>;
  if (run.status === 'running') return null;
  if (run.source === 'cli') return <p className="muted">Started from the command line: undo it there with <code>keyload undo {run.runId}</code>.</p>;
  if (!run.options.undo) return <p className="muted">This run kept no undo state, so it cannot be undone.</p>;
  if (!connection) return null;
  const ready = !needsPassword(connection) || password !== undefined;
  return (
    <div className="undo-run">
      {needsPassword(connection) && !ready && <PasswordForm connection={connection} entered={false} />}
      <button type="button" disabled={!ready} onClick={() => setAsking(true)}>
        Undo this run…
      </button>
    </div>
  );
}

function UndoDialog({ run, password, onClose }: { run: RunDetail; password: string | undefined; onClose: () => void }) {
  const preview = useUndoPreview(run.runId, password);
  const undo = useUndo();
  const [anyway, setAnyway] = useState(false);
  const [chain, setChain] = useState(false);
  const headingId = useId();
  const back = useRef<HTMLButtonElement>(null);
  useEffect(() => back.current?.focus(), []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') onClose();
  };
  const plan = undo.data ?? preview.data;
  // Undoing the later runs first clears the conflicts they caused; any other needs "Restore anyway".
  const blocked = plan ? plan.refused !== null || ((plan.conflicts > 0 || plan.laterRuns.length > 0) && !anyway && !chain) : true;
  return (
    <div className="dialog-backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby={headingId} className="dialog dialog-wide" onKeyDown={onKeyDown}>
        <h3 id={headingId}>Undo this run: {run.table}</h3>
        {preview.isPending && <Loading>Comparing the table with what the run left…</Loading>}
        <ErrorNotice error={preview.error} title="Could not check the run" />
        {plan && <UndoPlan plan={plan} />}
        {plan && !plan.done && plan.laterRuns.length > 0 && !plan.refused && (
          <label className="check">
            <input type="checkbox" checked={chain} onChange={(event) => setChain(event.target.checked)} />
            <span>Undo the later runs first, newest first</span>
          </label>
        )}
        {plan && !plan.done && (plan.conflicts > 0 || plan.laterRuns.length > 0) && !plan.refused && (
          <label className="check">
            <input type="checkbox" checked={anyway} onChange={(event) => setAnyway(event.target.checked)} />
            <span>Restore anyway: overwrite the rows changed since</span>
          </label>
        )}
        <ErrorNotice error={undo.error} onDismiss={undo.reset} title="The undo failed; the table is as it was" />
        <div className="button-row">
          {!undo.data?.done && (
            <button type="button" className="button-danger" disabled={blocked || undo.isPending} onClick={() => undo.mutate({ runId: run.runId, force: anyway, chain, password })}>
              {undo.isPending ? 'Undoing…' : 'Undo the run'}
            </button>
          )}
          <button ref={back} type="button" onClick={onClose}>
            {undo.data?.done ? 'Close' : 'Back'}
          </button>
        </div>
      </div>
    </div>
  );
}

function UndoPlan({ plan }: { plan: UndoOutcome }) {
  if (plan.refused) return <p className="notice notice-error">{plan.refused}</p>;
  const replace = plan.entry.mode === 'replace';
  const counts: [string, number][] = replace
    ? [['Rows to remove (the table now)', plan.toDelete], ['Rows to put back (the table before)', plan.toRestore]]
    : [['Rows to delete (inserted by the run)', plan.toDelete], ['Rows to put back (updated by the run)', plan.toRestore]];
  return (
    <>
      {plan.done && (
        <p role="status" className="text-success">
          Undone{plan.chained.length > 0 ? `, after the ${plan.chained.length} later runs` : ''}: the table is as it was before the run, and its files are no longer recorded as loaded.
        </p>
      )}
      {!plan.done && plan.chained.some((step) => step.done) && (
        <p className="notice notice-warning">
          Undid {plan.chained.filter((step) => step.done).length} later runs, then stopped at run {plan.chained.find((step) => !step.done)?.entry.runId}: it has rows changed since.
        </p>
      )}
      {!plan.done && <p>The table goes back to how it was before this run, in one transaction, and the run's files are no longer recorded as loaded.</p>}
      <dl className="undo-counts" aria-label="What the undo does">
        {counts.map(([label, n]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{formatCount(n)}</dd>
          </div>
        ))}
        <div>
          <dt>Rows changed since the run</dt>
          <dd>{formatCount(plan.conflicts)}</dd>
        </div>
      </dl>
      {plan.entry.bytes !== null && <p className="muted">The run's undo state takes {formatBytes(plan.entry.bytes)} on the server; undoing drops it.</p>}
      {plan.laterRuns.length > 0 && (
        <p className="notice notice-warning">
          {plan.laterRuns.length === 1 ? 'A later run wrote' : `${plan.laterRuns.length} later runs wrote`} some of the same keys. Undo {plan.laterRuns.length === 1 ? 'it' : 'them, newest first,'} before this one: {plan.laterRuns.join(', ')}.
        </p>
      )}
      {plan.shownConflicts.length > 0 && <Conflicts conflicts={plan.shownConflicts} total={plan.conflicts} />}
    </>
  );
}

function Conflicts({ conflicts, total }: { conflicts: UndoConflict[]; total: number }) {
  const text = (row: Record<string, unknown> | null, none: string) => (row ? JSON.stringify(row) : none);
  return (
    <div className="wrap">
      <table className="undo-conflicts" aria-label="Rows changed since the run">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Now</th>
            <th scope="col">The undo puts back</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.map((conflict) => (
            <tr key={JSON.stringify(conflict.key)}>
              <th scope="row">{Object.values(conflict.key).map(String).join(', ')}</th>
              <td>{text(conflict.current, 'deleted since')}</td>
              <td>{text(conflict.restore, 'nothing: the run inserted it, the undo deletes it')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > conflicts.length && <p className="muted">and {formatCount(total - conflicts.length)} more</p>}
    </div>
  );
}
