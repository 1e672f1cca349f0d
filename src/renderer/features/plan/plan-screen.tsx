// Preview step: the whole plan on one page (files in load order, target, key, mode, duplicate keys,
// mapping), and "Check the plan", the engine's dry run, which says per file what a run would do
// (or why the plan as a whole cannot work).
// Below it, the conflict preview; its "Load" starts the run of exactly the previewed plan.
import type { FileInspection } from '../../../shared/ipc/contract.ts';
import type { FileResult, LoadResult } from '../../../shared/load-types.ts';
import { conflictPolicyText, KEYED_WRITE_MODES, writeModeText, type WriteMode } from '../../../shared/vocabulary.ts';
import { plural, type Screen } from '../../app/step-states.ts';
import { useDraft } from '../../draft/draft-context.tsx';
import type { TargetDraft } from '../../draft/draft-state.ts';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { ErrorPanel } from '../../ui/error-panel.tsx';
import { fileName, formatBytes, formatCount } from '../../ui/format.ts';
import { runOptions, type RunOptions } from '../run/run-options.ts';
import { useChosenConnection } from '../target/connection.ts';
import { useCheckPlan } from './check-plan.ts';
import { resultState } from '../run/file-state.ts';
import { SettingsList } from '../../ui/settings-list.tsx';
import { PreviewPanel } from '../preview/preview-panel.tsx';
import { useStartRun } from '../run/use-start-run.ts';

/** The conflict preview compares keys, so only keyed modes have one. */
const previewable: ReadonlySet<WriteMode> = new Set(KEYED_WRITE_MODES);

export function PlanScreen({ onContinue, onNavigate }: { onContinue: () => void; onNavigate: (screen: Screen) => void }) {
  const draft = useDraft();
  const { chosen } = useChosenConnection();
  const check = useCheckPlan();
  const plan = runOptions(draft);
  const ref = chosen?.ref ?? null;
  const missing = chosen && !ref ? [...plan.missing, `Enter the password for ${chosen.connection.name} on the Target and mapping step.`] : plan.missing;
  const start = useStartRun(onContinue);
  const previewed = plan.options && ref ? { ...ref, options: plan.options } : null;
  const checked = check.data && check.variables && plan.options ? sameOptions(check.variables.options, plan.options) : false;
  return (
    <>
      <header className="screen-header">
        <h1 tabIndex={-1}>Preview</h1>
        <p className="muted">The whole load before it runs. “Check the plan” asks the database what each file would do, without writing anything.</p>
      </header>
      {missing.length > 0 && (
        <section className="panel panel-attention" aria-labelledby="plan-missing-heading">
          <h2 id="plan-missing-heading">Still to choose</h2>
          <ul className="missing-list">
            {missing.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
          <div className="button-row">
            {draft.files.length === 0 ? (
              <button type="button" onClick={() => onNavigate('files')}>
                Go to Files
              </button>
            ) : (
              <button type="button" onClick={() => onNavigate('target')}>
                Go to Target and mapping
              </button>
            )}
          </div>
        </section>
      )}
      <div className="plan-layout">
        <section className="panel" aria-labelledby="plan-target-heading">
          <h2 id="plan-target-heading">Target</h2>
          <TargetSummary target={draft.target} connectionName={chosen?.connection.name ?? 'none yet'} />
        </section>
        <section className="panel" aria-labelledby="plan-files-heading">
          <h2 id="plan-files-heading">Files in load order</h2>
          <PlanFiles files={draft.files} outcomes={checked ? (check.data?.files ?? null) : null} />
        </section>
      </div>
      <section className="panel" aria-labelledby="plan-check-heading">
        <h2 id="plan-check-heading">Check</h2>
        <div className="button-row">
          <button
            type="button"
            className="button-primary"
            disabled={!plan.options || !ref || check.isPending}
            onClick={() => plan.options && ref && check.mutate({ ...ref, options: plan.options })}
          >
            {check.isPending ? 'Checking…' : 'Check the plan'}
          </button>
          <button type="button" disabled={!plan.options} onClick={onContinue}>
            Continue to run
          </button>
        </div>
        {check.isPending && (
          <p role="status" className="muted">
            Checking the plan against the database…
          </p>
        )}
        <ErrorNotice error={check.error} onDismiss={check.reset} title="The plan does not work yet" />
        {check.data && !checked && <p className="muted">The plan changed since the last check; check it again.</p>}
        {check.data && checked && <CheckOutcome result={check.data} />}
      </section>
      {previewable.has(draft.target.mode) && <PreviewPanel plan={previewed} loading={start.isPending} onLoad={() => previewed && start.mutate(previewed)} />}
      <ErrorNotice error={start.error} onDismiss={start.reset} title="The load did not start" />
    </>
  );
}

function TargetSummary({ target, connectionName }: { target: TargetDraft; connectionName: string }) {
  const keyed = target.mode !== 'append';
  const table = target.createTable ? (target.newTable.trim() ? `${target.newTable.trim()} (new table)` : 'new table, not named yet') : (target.table ?? 'not chosen yet');
  const rows: [string, string][] = [
    ['Connection', connectionName],
    ['Table', table],
    ['Mode', `${writeModeText[target.mode].label}: ${writeModeText[target.mode].description}`],
    ...(keyed ? ([
      ['Key', target.key.length > 0 ? target.key.join(', ') : target.createTable ? 'not chosen yet' : 'the table’s primary key'],
      ['When files repeat a key', target.conflictPolicy === 'version' ? `Highest ${target.versionColumn || '(version column not chosen)'} wins` : conflictPolicyText[target.conflictPolicy].label],
    ] satisfies [string, string][]) : []),
    ['Column mapping', describeMap(target.map)],
  ];
  return <SettingsList rows={rows} stacked />;
}

function describeMap(map: Record<string, string | null>): string {
  const choices = Object.values(map);
  const skipped = choices.filter((target) => target === null).length;
  const mapped = choices.length - skipped;
  if (choices.length === 0) return 'Every column by its name';
  return `${plural(mapped, 'column')} mapped by you, ${skipped} skipped, the others by name`;
}

function PlanFiles({ files, outcomes }: { files: FileInspection[]; outcomes: FileResult[] | null }) {
  if (files.length === 0) return <p className="muted">No files yet.</p>;
  return (
    <div className="data-grid">
      <table aria-label="Files in load order">
        <thead>
          <tr>
            <th scope="col" className="num">
              #
            </th>
            <th scope="col">File</th>
            <th scope="col">Format</th>
            <th scope="col" className="num">
              Rows
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">{outcomes ? 'Check' : 'Status'}</th>
          </tr>
        </thead>
        <tbody>
          {files.map((file, index) => (
            <tr key={file.path}>
              <td className="num muted">{index + 1}</td>
              <th scope="row">{fileName(file.path)}</th>
              <td className="muted nowrap">{file.format}</td>
              <td className="num">{file.rowEstimate === null ? '—' : `${file.type === 'csv' ? '≈ ' : ''}${formatCount(file.rowEstimate)}`}</td>
              <td className="num">{formatBytes(file.sizeBytes)}</td>
              <td>{outcomes ? <OutcomeChip outcome={outcomes.find((outcome) => outcome.path === file.path)} /> : <ReadChip file={file} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReadChip({ file }: { file: FileInspection }) {
  return file.error ? (
    <span className="chip chip-danger">
      <span aria-hidden="true">✕</span> Unreadable
    </span>
  ) : (
    <span className="chip chip-neutral">Ready</span>
  );
}

function OutcomeChip({ outcome }: { outcome: FileResult | undefined }) {
  if (!outcome) return <span className="chip chip-neutral">Not checked</span>;
  switch (outcome.status) {
    case 'planned':
      return (
        <span className="chip chip-success">
          <span aria-hidden="true">✓</span> Will load
        </span>
      );
    case 'skipped':
      return <span className="chip chip-info">Skipped: {outcome.skipReason ?? 'nothing to load'}</span>;
    case 'failed':
      return (
        <span className="chip chip-danger">
          <span aria-hidden="true">✕</span> Cannot load
        </span>
      );
    default:
      return <span className="chip chip-neutral">{resultState(outcome).label}</span>;
  }
}

function CheckOutcome({ result }: { result: LoadResult }) {
  const { files } = result;
  const count = (status: FileResult['status']) => files.filter((file) => file.status === status).length;
  const failed = files.filter((file) => file.status === 'failed');
  return (
    <>
      <p role="status" className={failed.length > 0 ? 'check-summary text-error' : 'check-summary text-success'}>
        <span aria-hidden="true">{failed.length > 0 ? '✕ ' : '✓ '}</span>
        {`${plural(count('planned'), 'file')} will load, ${count('skipped')} skipped, ${failed.length} cannot load.`}
      </p>
      {failed.map((file) => (
        <ErrorPanel key={file.path} error={file.error ?? null} title={`${fileName(file.path)} cannot be loaded`} />
      ))}
    </>
  );
}

/** Whether a check was made for the plan as it is now (the draft may have changed since). */
function sameOptions(a: RunOptions, b: RunOptions): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
