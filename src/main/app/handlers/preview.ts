// preview.*: the conflict preview's sessions. A session stages the files (in the engine's reader
// worker threads, as a load does) and keeps its analysis in the database; the app's main thread only
// awaits SQL, so it stays free to answer the UI. Re-ranking and paging reuse the open session.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { PreviewSession, writeConflictsCsv } from '../../engine/index.ts';
import type { ConnectionStore } from '../../store/connections.ts';
import type { HandlerImpls } from '../dispatch.ts';
import type { EventBus } from '../event-bus.ts';
import type { FileActions } from '../file-actions.ts';

/** An open session runs one request at a time: a re-ranking rebuilds tables that pages read. */
type Slot = { state: 'opening'; cancel: AbortController } | { state: 'open'; session: PreviewSession; queue: Promise<unknown> };

export class PreviewSessions {
  private readonly slots = new Map<string, Slot>();
  private readonly deps: { connections: ConnectionStore; events: EventBus; exportDir: string };

  constructor(deps: { connections: ConnectionStore; events: EventBus; exportDir: string }) {
    this.deps = deps;
  }

  async open(previewId: string, connectionId: string, password: string | undefined, options: Parameters<typeof PreviewSession.open>[1]) {
    if (this.slots.has(previewId)) throw new KeyloadError(ErrorCodes.usage, `Preview ${previewId} is open already`);
    const connectionString = await this.deps.connections.connectionString(connectionId, password);
    const cancel = new AbortController();
    this.slots.set(previewId, { state: 'opening', cancel });
    try {
      const session = await PreviewSession.open({ connectionString, applicationName: 'keyload-app' }, options, {
        signal: cancel.signal,
        onEvent: (event) => this.deps.events.emit('preview.event', { previewId, event }),
      });
      // Closed while staging: nobody will ask this session anything.
      if (cancel.signal.aborted) {
        await session.close();
        throw new KeyloadError(ErrorCodes.cancelled, 'The preview was cancelled');
      }
      this.slots.set(previewId, { state: 'open', session, queue: Promise.resolve() });
      return await this.use(previewId, (open) => open.summary());
    } catch (error) {
      if (this.slots.get(previewId)?.state === 'opening') this.slots.delete(previewId);
      throw error;
    }
  }

  /** Runs `work` on an open session once the requests before it are done. */
  use<T>(previewId: string, work: (session: PreviewSession) => Promise<T>): Promise<T> {
    const slot = this.slots.get(previewId);
    if (slot?.state !== 'open') throw new KeyloadError(ErrorCodes.usage, `Preview ${previewId} is not open`, { hint: 'Open the preview again' });
    const result = slot.queue.then(() => work(slot.session));
    slot.queue = result.catch(() => {});
    return result;
  }

  async close(previewId: string): Promise<void> {
    const slot = this.slots.get(previewId);
    if (slot?.state === 'opening') slot.cancel.abort();
    if (slot?.state === 'open') await this.use(previewId, (session) => session.close());
    this.slots.delete(previewId);
    await rm(join(this.deps.exportDir, previewId), { recursive: true, force: true });
  }

  /** Every conflict of an open preview as a CSV file (formula-escaped); the caller serves or copies it. */
  async conflictsFile(previewId: string): Promise<string> {
    const dir = join(this.deps.exportDir, previewId);
    const path = join(dir, 'conflicts.csv');
    return this.use(previewId, async (session) => {
      await mkdir(dir, { recursive: true });
      await writeConflictsCsv(session, path);
      return path;
    });
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.slots.keys()].map((id) => this.close(id)));
    await rm(this.deps.exportDir, { recursive: true, force: true });
  }
}

export function previewHandlers(previews: PreviewSessions, files: FileActions | null): Pick<HandlerImpls, 'preview.open' | 'preview.summary' | 'preview.conflicts' | 'preview.close' | 'preview.saveConflicts'> {
  return {
    'preview.open': async ({ previewId, connectionId, password, options }) => previews.open(previewId, connectionId, password, options),
    'preview.summary': async ({ previewId, conflictPolicy, files }) =>
      previews.use(previewId, (session) => session.summary({ ...(conflictPolicy && { policy: conflictPolicy }), ...(files && { files }) })),
    'preview.conflicts': async ({ previewId, ...query }) => previews.use(previewId, (session) => session.conflicts(query)),
    'preview.close': async ({ previewId }) => previews.close(previewId),
    'preview.saveConflicts': async ({ previewId }) => {
      if (!files) throw new KeyloadError(ErrorCodes.usage, 'Saving files needs the desktop app; in a browser, download the file instead.');
      return { savedTo: await files.saveCopy(await previews.conflictsFile(previewId)) };
    },
  };
}
