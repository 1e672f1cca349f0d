// The global the Electron preload exposes; absent when the renderer runs in a browser on the web host.
import type { DesktopApi } from '../shared/ipc/contract.ts';

declare global {
  interface Window {
    keyload?: DesktopApi;
  }
}
