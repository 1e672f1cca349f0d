// Starts loads for the app (each in its own engine worker), relays their events, keeps history.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import type { ActiveRun, RunSummary } from '../../shared/ipc/contract.ts';
import type { LoadOptionsInput } from '../../shared/load-options.ts';
import type { LoadResult } from '../../shared/load-types.ts';
import { toErrorInfo } from '../engine/index.ts';
import type { ConnectionStore } from '../store/connections.ts';
import type { RunHistory } from '../store/run-history.ts';
import { startEngineRun, type EngineRun } from './engine-host.ts';
import type { EventBus } from './event-bus.ts';

export function runStatus(result: LoadResult): RunSummary['status'] {
  if (result.files.some((f) => f.error?.code === ErrorCodes.cancelled)) return 'cancelled';
  return result.exitCode === 1 ? 'failed' : result.exitCode === 3 ? 'loaded with rejects' : 'loaded';
}

export interface RunRequest {
  connectionId: string;
  password?: string | undefined;
  options: LoadOptionsInput;
}

export class RunManager {
  private readonly running = new Map<string, EngineRun>();
  private readonly deps: { connections: ConnectionStore; history: RunHistory; events: EventBus; runsDir: string };

  constructor(deps: { connections: ConnectionStore; history: RunHistory; events: EventBus; runsDir: string }) {
    this.deps = deps;
  }

  async start(request: RunRequest): Promise<{ runId: string; done: Promise<void> }> {
    const { connections, history, events, runsDir } = this.deps;
    const connection = connections.list().find((c) => c.id === request.connectionId);
    if (!connection) throw new KeyloadError(ErrorCodes.usage, `No connection ${request.connectionId}`);
    const connectionString = await connections.connectionString(request.connectionId, request.password);
    const runId = randomUUID();
    const reportDir = join(runsDir, runId);
    history.start({
      runId,
      connectionId: connection.id,
      connectionName: connection.name,
      table: request.options.table,
      mode: request.options.mode ?? 'upsert',
      files: request.options.files,
      options: request.options,
      reportDir,
      startedAt: new Date().toISOString(),
    });
    const engine = startEngineRun({ connectionString, applicationName: 'keyload-app' }, request.options, reportDir, (event) => {
      if (event.type === 'pool') events.emit('run.pool', { runId, sample: event.sample });
      else events.emit('run.event', { runId, event });
    });
    this.running.set(runId, engine);
    const done = engine.result.then(
      (result) => this.finish(runId, runStatus(result), result, null),
      (error: unknown) => this.finish(runId, 'failed', null, error),
    );
    return { runId, done };
  }

  private finish(runId: string, status: RunSummary['status'], result: LoadResult | null, error: unknown): void {
    this.running.delete(runId);
    this.deps.history.finish(runId, { status, result, error: error ? toErrorInfo(error) : null, finishedAt: new Date().toISOString() });
    this.deps.events.emit('run.finished', { runId, status });
  }

  /** Placeholder until runs re-attach (issue 8): the runs going on now. */
  active(): ActiveRun[] {
    return [];
  }

  cancel(runId: string): void {
    const run = this.running.get(runId);
    if (!run) throw new KeyloadError(ErrorCodes.usage, `Run ${runId} is not running`);
    run.cancel();
  }

  /** Cancels every running load and waits for them to roll back. */
  async stopAll(): Promise<void> {
    const runs = [...this.running.values()];
    for (const run of runs) run.cancel();
    await Promise.allSettled(runs.map((r) => r.result));
  }
}
