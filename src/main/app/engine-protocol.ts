// Messages between the app and a run's engine worker. Every message carries the run's sequence id
// (one worker runs one load), so a stray message from an older run can never be mistaken.
import type { ErrorInfo } from '../../shared/errors.ts';
import type { LoadOptionsInput } from '../../shared/load-options.ts';
import type { LoadEvent, LoadResult } from '../../shared/load-types.ts';
import type { ConnectionConfig } from '../engine/index.ts';

export type ToEngine =
  | { seq: number; type: 'start'; runId: string; connection: ConnectionConfig; options: LoadOptionsInput; reportDir: string }
  | { seq: number; type: 'cancel' };

export type FromEngine =
  | { seq: number; type: 'event'; event: LoadEvent }
  | { seq: number; type: 'done'; result: LoadResult }
  | { seq: number; type: 'failed'; error: ErrorInfo };
