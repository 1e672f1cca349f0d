// The app's main side without any UI shell: stores, runs, the request dispatcher and the event bus.
// Electron's main process and the localhost web host both sit on top of this.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemInfo } from '../../shared/ipc/contract.ts';
import type { ReportFormat } from '../../shared/report-types.ts';
import { ensureLocalDb, localDbStatus } from '../local-db/local-db.ts';
import { openAppDatabase } from '../store/app-database.ts';
import { ConnectionStore, type SecretBox } from '../store/connections.ts';
import { ProfileStore } from '../store/profiles.ts';
import { RunHistory } from '../store/run-history.ts';
import { ChosenFiles, pathsRead } from './chosen-files.ts';
import { createDispatcher, type Dispatch } from './dispatch.ts';
import { EventBus } from './event-bus.ts';
import type { FileActions } from './file-actions.ts';
import { connectionHandlers } from './handlers/connections.ts';
import { fileHandlers } from './handlers/files.ts';
import { planCheckHandlers } from './handlers/plan-check.ts';
import { PreviewSessions, previewHandlers } from './handlers/preview.ts';
import { rejectsHandlers } from './handlers/rejects.ts';
import { RunReports, reportHandlers } from './handlers/reports.ts';
import { undoHandlers } from './handlers/undo.ts';
import { runHandlers } from './handlers/runs.ts';
import { tableHandlers } from './handlers/tables.ts';
import { rejectsFileOf } from './rejects.ts';
import { RunManager } from './run-manager.ts';

export interface AppOptions {
  /** Keyload's data directory: keyload.db and the runs' reports live here. */
  dataDir: string;
  host: SystemInfo['host'];
  /** The OS keychain (Electron's safeStorage); null on the web host, which never stores passwords. */
  secrets: SecretBox | null;
  /** The built-in local database's URL (started on demand). */
  localDbUrl?: () => Promise<string>;
  /** Its data directory, for the first-run notice; default: the local database's own, unless localDbUrl replaces it. */
  localDbDataDir?: string;
  /** Reveal and save-as for files (Electron's shell and dialogs); null on the web host, which downloads. */
  fileActions?: FileActions | null;
}

export interface App {
  dispatch: Dispatch;
  events: EventBus;
  /** Files and folders the user dropped, picked or uploaded: the only ones requests may read. */
  chooseFiles(paths: readonly string[]): void;
  /** `path` if it is a rejects file of run `runId` (else a usage error): the web host's downloads use it. */
  rejectsFile(runId: string, path: string): string;
  /** Every conflict of an open preview, written to a CSV file: the web host's download serves it. */
  previewConflictsFile(previewId: string): Promise<string>;
  /** A finished run's report rendered in `format` to a file: the web host's download serves it. */
  reportFile(runId: string, format: ReportFormat): Promise<string>;
  close(): Promise<void>;
}

export function createApp(options: AppOptions): App {
  mkdirSync(options.dataDir, { recursive: true });
  const db = openAppDatabase(join(options.dataDir, 'keyload.db'), { onNotice: (message) => process.stderr.write(`keyload: ${message}\n`) });
  const history = new RunHistory(db);
  history.markInterrupted();
  const connections = new ConnectionStore(db, options.secrets, {
    url: options.localDbUrl ?? (() => ensureLocalDb()),
    dataDir: async () => options.localDbDataDir ?? (options.localDbUrl ? null : (await localDbStatus()).dataDir),
  });
  const profiles = new ProfileStore(db);
  const events = new EventBus();
  // A past run's files were chosen when it ran: "Run again" reads them again.
  const chosen = new ChosenFiles((path) => history.hasFile(path));
  const runs = new RunManager({ connections, history, events, runsDir: join(options.dataDir, 'runs') });
  const reports = new RunReports(history);
  const previews = new PreviewSessions({ connections, events, exportDir: join(options.dataDir, 'previews') });
  const dispatch = createDispatcher({
    ...connectionHandlers(connections, { host: options.host, canStorePasswords: options.secrets?.canEncrypt() ?? false }),
    ...fileHandlers(),
    ...tableHandlers(connections),
    ...runHandlers(runs, history, profiles),
    ...rejectsHandlers(history, options.fileActions ?? null),
    ...reportHandlers(reports, options.fileActions ?? null),
    ...undoHandlers(connections, history),
    ...planCheckHandlers(connections, join(options.dataDir, 'runs', 'checks')),
    ...previewHandlers(previews, options.fileActions ?? null),
  }, (name, input) => chosen.check(pathsRead(name, input)));
  return {
    dispatch,
    events,
    chooseFiles: (paths) => paths.forEach((path) => chosen.add(path)),
    rejectsFile: (runId, path) => rejectsFileOf(history, runId, path),
    previewConflictsFile: (previewId) => previews.conflictsFile(previewId),
    reportFile: (runId, format) => reports.file(runId, format),
    async close() {
      await runs.stopAll();
      await previews.closeAll();
      connections.forgetSessionPasswords();
      db.close();
    },
  };
}
