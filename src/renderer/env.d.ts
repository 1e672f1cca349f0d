// Globals the Electron preload exposes; absent when the renderer runs in a browser on the web host.
import type { KeyloadApi } from '../shared/ipc/contract.ts';

declare global {
  interface Window {
    keyload?: KeyloadApi;
    /** webUtils.getPathForFile: the filesystem path of a dropped or picked File ('' when it has none). */
    keyloadFiles?: { pathForFile(file: File): string };
  }
}
