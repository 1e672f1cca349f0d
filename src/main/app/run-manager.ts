// Starts loads for the app (each in its own engine worker), relays their events, keeps history and
// writes each run's report (runs/<run id>/report.json) as the CLI does.
// Runs belong to this side: each active run's latest progress per file and its notices are kept
// here, so a renderer that reloads (or a second window) re-attaches to what is going on.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import { runOptionsSchema, type ActiveRun, type RunSummary } from '../../shared/ipc/contract.ts';
import type { LoadOptionsInput } from '../../shared/load-options.ts';
import { queuedProgress, type FileProgress, type LoadEvent, type LoadResult } from '../../shared/load-types.ts';
import { runStatus } from '../../shared/run-status.ts';
import { describeConnection, parseConnectionString } from '../../shared/connection-string.ts';
import { RunCollector } from '../../shared/report/run-collector.ts';
import { toErrorInfo } from '../engine/index.ts';
import { writeRunReport } from '../report/run-report.ts';
import type { ConnectionStore } from '../store/connections.ts';
import type { RunHistory } from '../store/run-history.ts';
import { startEngineRun, type EngineRun } from './engine-host.ts';
import type { EventBus } from './event-bus.ts';

export interface RunRequest {
  connectionId: string;
  password?: string | undefined;
  options: LoadOptionsInput;
}

interface LiveRun {
  engine: EngineRun;
  about: Omit<ActiveRun, 'files' | 'notices'>;
  /** Load order: the options' files until the engine says its own (it may sort them). */
  order: string[];
  progress: Map<string, FileProgress>;
  notices: string[];
  collector: RunCollector;
  /** The server as the report names it: user@host:port/database. */
  connection: string;
  reportDir: string;
}

export class RunManager {
  private readonly running = new Map<string, LiveRun>();
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
    // The app keeps every run's undo state unless asked not to (the CLI keeps none unless --undo).
    const asked = { ...request.options, undo: request.options.undo ?? true };
    const options = runOptionsSchema.parse(asked);
    const startedAt = new Date().toISOString();
    history.start({
      runId,
      source: 'app',
      pid: process.pid,
      connectionId: connection.id,
      connectionName: connection.name,
      table: options.table,
      mode: options.mode,
      files: options.files,
      options,
      reportDir,
      startedAt,
    });
    const live: Omit<LiveRun, 'engine'> = {
      about: { runId, startedAt, connectionId: connection.id, connectionName: connection.name, table: options.table, options },
      order: options.files,
      progress: new Map(),
      notices: [],
      collector: new RunCollector(),
      connection: `${connection.name} (${describeConnection(parseConnectionString(connectionString))})`,
      reportDir,
    };
    const engine = startEngineRun(runId, { connectionString, applicationName: 'keyload-app' }, asked, reportDir, (event) => {
      live.collector.onEvent(event);
      if (event.type === 'pool') return events.emit('run.pool', { runId, sample: event.sample });
      remember(live, event);
      events.emit('run.event', { runId, event });
    });
    this.running.set(runId, { ...live, engine });
    const done = engine.result.then(
      async (result) => {
        await this.writeReport(live, result);
        this.finish(runId, runStatus(result), result, null);
      },
      (error: unknown) => this.finish(runId, 'failed', null, error),
    );
    return { runId, done };
  }

  /** Before the run shows as finished, so History finds its report; a report that cannot be written does not fail the run. */
  private async writeReport(run: Omit<LiveRun, 'engine'>, result: LoadResult): Promise<void> {
    try {
      await writeRunReport({ source: 'app', connection: run.connection, result, collector: run.collector, reportDir: run.reportDir });
    } catch (error) {
      const message = `Could not write the run's report into ${run.reportDir}: ${toErrorInfo(error).message}`;
      run.notices.push(message);
      this.deps.events.emit('run.event', { runId: run.about.runId, event: { type: 'notice', message } });
    }
  }

  private finish(runId: string, status: RunSummary['status'], result: LoadResult | null, error: unknown): void {
    // History first: a renderer that no longer finds the run active asks history for its summary.
    try {
      this.deps.history.finish(runId, { status, result, error: error ? toErrorInfo(error) : null, finishedAt: new Date().toISOString() });
    } finally {
      this.running.delete(runId);
    }
    this.deps.events.emit('run.finished', { runId, status });
  }

  /** The runs going on now, oldest first, each with every file's latest progress in load order. */
  active(): ActiveRun[] {
    return [...this.running.values()].map((run) => ({
      ...run.about,
      // Until the plan is made (files are hashed first), a file's size is not known yet.
      files: run.order.map((path) => run.progress.get(path) ?? queuedProgress(path)),
      notices: [...run.notices],
    }));
  }

  cancel(runId: string): void {
    const run = this.running.get(runId);
    if (!run) throw new KeyloadError(ErrorCodes.usage, `Run ${runId} is not running`);
    run.engine.cancel();
  }

  /** Cancels every running load and waits for them to roll back. */
  async stopAll(): Promise<void> {
    const runs = [...this.running.values()].map((run) => run.engine);
    for (const run of runs) run.cancel();
    await Promise.allSettled(runs.map((r) => r.result));
  }
}

function remember(run: Omit<LiveRun, 'engine'>, event: LoadEvent): void {
  if (event.type === 'run-started') run.order = event.files;
  else if (event.type === 'file-progress') run.progress.set(event.file.path, event.file);
  else if (event.type === 'notice') run.notices.push(event.message);
}
