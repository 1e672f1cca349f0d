// A status as a chip: colour from its tone, and always the words too.
import { runTones, type Tone } from './file-state.ts';
import type { RunSummary } from '../../../shared/ipc/contract.ts';

export function StateChip({ label, tone }: { label: string; tone: Tone }) {
  return <span className={`chip chip-${tone}`}>{label}</span>;
}

export function RunStatusChip({ status }: { status: RunSummary['status'] }) {
  return <StateChip label={status} tone={runTones[status]} />;
}
