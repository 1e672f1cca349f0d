// Where each step of putting a load together stands, from the draft and the run: the stepper shows
// it as text (and an icon), never by colour alone.
import type { Draft } from '../draft/draft-state.ts';
import { runOptions } from '../features/run/run-options.ts';
import type { RunView } from '../features/run/run-store.ts';

export type Step = 'files' | 'target' | 'preview' | 'run';
export type Screen = Step | 'history';

export type StepState =
  | { kind: 'done'; text: string }
  | { kind: 'attention'; text: string }
  | { kind: 'running'; text: string }
  | { kind: 'todo'; text: string }
  | { kind: 'unavailable'; text: string };

export const steps: { id: Step; label: string }[] = [
  { id: 'files', label: 'Files' },
  { id: 'target', label: 'Target and mapping' },
  { id: 'preview', label: 'Preview' },
  { id: 'run', label: 'Run' },
];

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function stepStates(draft: Draft, run: RunView | null): Record<Step, StepState> {
  const { files, target } = draft;
  const unreadable = files.filter((file) => file.error).length;
  const plan = runOptions(draft);
  const tableNamed = target.createTable ? target.newTable.trim() !== '' : target.table !== null;
  const targetState: StepState =
    files.length === 0
      ? { kind: 'unavailable', text: 'Add files first' }
      : plan.options
        ? { kind: 'done', text: target.createTable ? `New table ${target.newTable.trim()}` : (target.table ?? '') }
        : tableNamed
          ? { kind: 'attention', text: plan.missing.length === 1 ? '1 choice missing' : `${plan.missing.length} choices missing` }
          : { kind: 'todo', text: 'Choose a table' };
  return {
    files:
      files.length === 0
        ? { kind: 'todo', text: 'Add files' }
        : unreadable > 0
          ? { kind: 'attention', text: `${plural(unreadable, 'file')} unreadable` }
          : { kind: 'done', text: plural(files.length, 'file') },
    target: targetState,
    preview: plan.options ? { kind: 'todo', text: 'Review and check' } : { kind: 'unavailable', text: 'Choose the target first' },
    run: runState(run, plan.options !== null),
  };
}

function runState(run: RunView | null, ready: boolean): StepState {
  switch (run?.status) {
    case 'running':
      return { kind: 'running', text: 'Running' };
    case 'loaded':
      return { kind: 'done', text: 'Loaded' };
    case 'loaded with rejects':
      return { kind: 'attention', text: 'Loaded, with rejects' };
    case 'failed':
      return { kind: 'attention', text: 'Failed' };
    case 'cancelled':
      return { kind: 'attention', text: 'Cancelled' };
    default:
      return ready ? { kind: 'todo', text: 'Ready to start' } : { kind: 'unavailable', text: 'Not yet available' };
  }
}
