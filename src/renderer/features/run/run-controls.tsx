// Start and Cancel, with what still stops the run from starting.
import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../api/transport-context.tsx';
import { useDraft } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { BlockerList } from '../target/blocker-list.tsx';
import type { ChosenConnection } from '../target/connection.ts';
import { useDraftBlockers } from '../target/use-draft-blockers.ts';
import { runOptions } from './run-options.ts';
import { useActiveRun } from './run-store-context.tsx';
import { useStartRun } from './use-start-run.ts';

/** `chosen`: null while the connections load, or when there are none (the Target screen says so). */
export function RunControls({ chosen }: { chosen: ChosenConnection | null }) {
  const api = useApi();
  const draft = useDraft();
  const active = useActiveRun();
  const start = useStartRun();
  const cancel = useMutation({ mutationFn: (runId: string) => api['runs.cancel']({ runId }) });
  const plan = runOptions(draft);
  const ref = chosen?.ref ?? null;
  // The same reasons as the Target screen's Continue: what stops this draft from running.
  const blockers = useDraftBlockers(chosen);
  const running = active?.status === 'running';
  return (
    <div className="run-controls">
      <div className="button-row">
        <button
          type="button"
          className="button-primary"
          disabled={!plan.options || !ref || blockers.length > 0 || running || start.isPending}
          aria-describedby={blockers.length > 0 ? 'run-blockers' : undefined}
          onClick={() => plan.options && ref && start.mutate({ ...ref, options: plan.options })}
        >
          {start.isPending ? 'Starting…' : 'Start'}
        </button>
        <button type="button" disabled={!running || cancel.isPending} onClick={() => active && cancel.mutate(active.runId)}>
          Cancel
        </button>
      </div>
      <BlockerList id="run-blockers" reasons={blockers} />
      <ErrorNotice error={start.error} onDismiss={start.reset} title="The run did not start" />
      <ErrorNotice error={cancel.error} onDismiss={cancel.reset} title="Could not cancel the run" />
    </div>
  );
}
