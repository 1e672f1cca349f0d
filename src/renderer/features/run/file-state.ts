// How a file's state reads, live or after the run: one label, a tone for its chip, and a note.
// The result, once there, is the truth; before it, the latest progress; never a raw error code
// for what the user did (cancel), and never "queued" for a file the run will not reach any more.
import type { RunSummary } from '../../../shared/ipc/contract.ts';
import type { FileProgress, FileResult, FileStage } from '../../../shared/load-types.ts';
import { plural } from '../../../shared/plural.ts';
import { isCancelled } from '../../../shared/run-status.ts';

export type Tone = 'info' | 'success' | 'warning' | 'danger' | 'neutral';

export interface FileState {
  label: string;
  tone: Tone;
  /** Why, or what it means: "partly loaded: 1,200 rows committed; a re-run resumes". */
  note: string | null;
}

const stages: Record<FileStage, Pick<FileState, 'label' | 'tone'>> = {
  queued: { label: 'queued', tone: 'neutral' },
  reading: { label: 'reading', tone: 'info' },
  staging: { label: 'staging', tone: 'info' },
  merging: { label: 'merging', tone: 'info' },
  done: { label: 'loaded', tone: 'success' },
  'partly-loaded': { label: 'partly loaded', tone: 'warning' },
  failed: { label: 'failed', tone: 'danger' },
  skipped: { label: 'skipped', tone: 'neutral' },
  cancelled: { label: 'cancelled', tone: 'neutral' },
};

const runningStages = new Set<FileStage>(['reading', 'staging', 'merging']);

export function isRunningStage(stage: FileStage): boolean {
  return runningStages.has(stage);
}

function committed(rows: number): string {
  return `${plural(rows, 'row')} committed; a re-run resumes`;
}

function cancelled(file: FileResult): FileState {
  return { ...stages.cancelled, note: file.committedRows ? committed(file.committedRows) : null };
}

/** A file's final state, from the run's result. */
export function resultState(file: FileResult): FileState {
  const plain = { note: null };
  switch (file.status) {
    case 'loaded':
      return { ...stages.done, ...plain };
    case 'planned':
      return { label: 'would load', tone: 'info', ...plain };
    case 'skipped':
      return { ...stages.skipped, ...plain, note: file.skipReason ?? null };
    case 'partly-loaded':
      return { ...stages['partly-loaded'], note: `partly loaded: ${committed(file.committedRows ?? 0)}` };
    case 'failed':
      if (isCancelled(file)) return cancelled(file);
      // The note stays short; the whole error shows in its panel below the results.
      return { ...stages.failed, note: file.error ? 'not loaded: see the error below' : null };
    case 'cancelled':
      return cancelled(file);
  }
}

/**
 * While the run goes on: the stage. After it: the result; without one (the run failed as a whole),
 * a file it did not get through is "not loaded", never left "queued" or "reading".
 */
export function fileState(progress: FileProgress | undefined, result: FileResult | undefined, status: RunSummary['status']): FileState {
  if (result) return resultState(result);
  const stage = progress?.stage ?? 'queued';
  if (status === 'running' || !(stage === 'queued' || isRunningStage(stage))) return { ...stages[stage], note: null };
  if (status === 'cancelled') return { ...stages.cancelled, note: null };
  return { label: 'not loaded', tone: 'neutral', note: 'The run stopped before this file finished.' };
}

/** A run's status for its chip. */
export const runTones: Record<RunSummary['status'], Tone> = {
  running: 'info',
  loaded: 'success',
  'loaded with rejects': 'warning',
  'partly loaded': 'warning',
  failed: 'danger',
  cancelled: 'neutral',
};

/** "3 files: 1 loaded, 2 cancelled", in the order the states first occur. */
export function outcomeSummary(files: FileResult[]): string {
  const byLabel = new Map<string, number>();
  for (const file of files) {
    const { label } = resultState(file);
    byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
  }
  return `${plural(files.length, 'file')}: ${[...byLabel].map(([label, n]) => `${n} ${label}`).join(', ')}`;
}
