// The CLI records its runs in the app's history database (<user data>/keyload.db), so a run started
// from either shows in both. History is a record, not the load: when the database cannot be opened
// or written, the load goes on and a note says why.
import { join } from 'node:path';
import { toErrorInfo } from '../engine/index.ts';
import { userDataDir } from '../local-db/user-data-dir.ts';
import { openAppDatabase } from '../store/app-database.ts';
import { RunHistory, type RunOutcome, type RunStart } from '../store/run-history.ts';

export function historyFile(): string {
  return join(userDataDir(), 'keyload.db');
}

/** The history, with runs of processes that died marked interrupted. */
export function openHistory(log: (line: string) => void): RunHistory {
  const history = new RunHistory(openAppDatabase(historyFile(), { onNotice: (message) => log(`note: ${message}`) }));
  history.markInterrupted();
  return history;
}

/** A load's entry in the history, whose failures are notes rather than errors. */
export class RecordedRun {
  private history: RunHistory | null = null;
  private readonly log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.log = log;
  }

  start(run: Omit<RunStart, 'source' | 'pid'>): void {
    this.attempt('record the run in the history', () => {
      this.history = openHistory(this.log);
      this.history.start({ ...run, source: 'cli', pid: process.pid });
    });
  }

  finish(runId: string, outcome: RunOutcome): void {
    const { history } = this;
    if (history) this.attempt('record the end of the run in the history', () => history.finish(runId, outcome));
  }

  private attempt(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      this.history = null;
      this.log(`note: could not ${what} (${historyFile()}): ${toErrorInfo(error).message}`);
    }
  }
}
