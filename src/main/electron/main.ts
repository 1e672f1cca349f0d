// Electron's main process: one hardened window, the contract served over IPC (only to our own
// page), events pushed to it, and the app's main side (stores, runs in engine workers) underneath.
import { app as electronApp, BrowserWindow, ipcMain, safeStorage, session, type IpcMainInvokeEvent } from 'electron';
import { fileURLToPath } from 'node:url';
import { handlerNames } from '../../shared/ipc/contract.ts';
import { createApp, type App } from '../app/app.ts';
import { userDataDir } from '../local-db/user-data-dir.ts';
import { electronFileActions } from './file-actions.ts';
import { electronSecrets } from './secrets.ts';

const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const rendererIndex = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const devServer = process.env.ELECTRON_RENDERER_URL;

/** Only our own page may call the main side: the file we loaded, or the dev server in development. */
function trusted(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const url = event.senderFrame?.url ?? '';
  return devServer ? url.startsWith(devServer) : url.startsWith('file://') && decodeURIComponent(new URL(url).pathname) === rendererIndex;
}

function createWindow(app: App): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    title: 'Keyload',
    webPreferences: { preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true },
  });
  const off = app.events.onAny((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(`keyload:event:${event}`, payload);
  });
  window.on('closed', off);
  if (devServer) void window.loadURL(devServer);
  else void window.loadFile(rendererIndex);
  return window;
}

electronApp.on('web-contents-created', (_event, contents) => {
  // No navigation away from the app and no new windows, whatever a page tries.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

void electronApp.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } }),
  );
  const app = createApp({ dataDir: userDataDir(), host: 'electron', secrets: electronSecrets(safeStorage), fileActions: electronFileActions });
  for (const name of handlerNames) {
    ipcMain.handle(`keyload:${name}`, (event, input: unknown) => {
      if (!trusted(event)) return { ok: false, error: { code: 'KEYLOAD_USAGE', message: 'untrusted sender' } };
      return app.dispatch(name, input);
    });
  }
  ipcMain.on('keyload:choose-file', (event, path: unknown) => {
    if (trusted(event) && typeof path === 'string' && path !== '') app.chooseFiles([path]);
    event.returnValue = null;
  });
  createWindow(app);
  electronApp.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(app);
  });
  electronApp.on('before-quit', () => void app.close());
});

electronApp.on('window-all-closed', () => {
  if (process.platform !== 'darwin') electronApp.quit();
});
