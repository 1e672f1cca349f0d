// Exposes exactly the contract to the page: one function per request and a typed event
// subscription. There is no way to reach any other channel.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { ErrorInfo } from '../shared/errors.ts';
import { encodeBridgedError } from '../shared/ipc/bridged-error.ts';
import type { EventName } from '../shared/ipc/contract.ts';
import { handlerNames } from '../shared/ipc/handler-names.ts';

type Reply = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

async function call(name: string, input: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(`keyload:${name}`, input)) as Reply;
  // Only the message survives the context bridge, so the whole ErrorInfo travels inside it.
  if (!reply.ok) throw new Error(encodeBridgedError(reply.error));
  return reply.value;
}

const api: Record<string, unknown> = Object.fromEntries(handlerNames.map((name) => [name, (input: unknown) => call(name, input)]));
api.on = (event: EventName, listener: (payload: unknown) => void) => {
  const channel = `keyload:event:${event}`;
  const forward = (_event: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => ipcRenderer.removeListener(channel, forward);
};

contextBridge.exposeInMainWorld('keyload', api);
contextBridge.exposeInMainWorld('keyloadFiles', { pathForFile: (file: File) => webUtils.getPathForFile(file) });
