// Run screen: settings, Start and Cancel, live progress, and the summary at the end.
import type { RunSummary } from '../../../shared/ipc/contract.ts';
import { EmptyState } from '../../ui/states.tsx';
import { runTones } from './file-state.ts';
import { useChosenConnection } from '../target/connection.ts';
import { RunControls } from './run-controls.tsx';
import { RunOutcome } from './run-outcome.tsx';
import { RunProgress } from './run-progress.tsx';
import { RunSettings } from './run-settings.tsx';
import { useActiveRun } from './run-store-context.tsx';

const statusText = {
  running: 'Running',
  loaded: 'Loaded',
  'loaded with rejects': 'Loaded, with rejected rows',
  'partly loaded': 'Partly loaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
} satisfies Record<RunSummary['status'], string>;

export function RunScreen() {
  const { chosen } = useChosenConnection();
  const run = useActiveRun();
  return (
    <>
      <header className="screen-header">
        <h1 tabIndex={-1}>Run</h1>
        <p className="muted">Loads the files in the order of the Files screen. The result is the same whatever the concurrency.</p>
      </header>
      <section className="panel" aria-labelledby="run-settings-heading">
        <h2 id="run-settings-heading">Settings</h2>
        <RunSettings chosen={chosen} />
        <RunControls chosen={chosen} />
      </section>
      {run ? (
        <>
          <section className="panel" aria-labelledby="progress-heading">
            <h2 id="progress-heading">Progress</h2>
            <p role="status" className="run-status">
              <span className={`chip chip-${runTones[run.status]}`}>{statusText[run.status]}</span>
            </p>
            <RunProgress run={run} />
          </section>
          {run.status !== 'running' && <RunOutcome run={run} />}
        </>
      ) : (
        <EmptyState title="No run yet">Start a run to follow its progress here.</EmptyState>
      )}
    </>
  );
}
