// Exposes exactly the contract to the page: one function per request, a typed event subscription,
// and the path of a dropped file (which the main side then lets the page read). There is no way to reach any other channel.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { DesktopApi, EventName } from '../shared/ipc/contract.ts';
import { encodeBridgeError, type Reply } from '../shared/ipc/envelope.ts';
import { handlerNames } from '../shared/ipc/handler-names.ts';

async function call(name: string, input: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(`keyload:${name}`, input)) as Reply;
  if (!reply.ok) throw new Error(encodeBridgeError(reply.error));
  return reply.value;
}

const api: Record<string, unknown> = Object.fromEntries(handlerNames.map((name) => [name, (input: unknown) => call(name, input)]));
api.on = (event: EventName, listener: (payload: unknown) => void) => {
  const channel = `keyload:event:${event}`;
  const forward = (_event: unknown, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => ipcRenderer.removeListener(channel, forward);
};
api.pathForFile = ((file) => {
  // Only a File the user dropped or picked has a path; telling the main side (synchronously, before
  // the page can ask to read it) is what lets it be read.
  const path = webUtils.getPathForFile(file as File);
  if (path) ipcRenderer.sendSync('keyload:choose-file', path);
  return path;
}) satisfies DesktopApi['pathForFile'];

contextBridge.exposeInMainWorld('keyload', api);
