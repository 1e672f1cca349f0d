// `keyload app`: the desktop app's screens in a browser, served by the localhost web host. This is
// what `npm start` falls back to where Electron's binary is missing.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { createApp } from '../../app/app.ts';
import { userDataDir } from '../../local-db/user-data-dir.ts';
import { rendererDir } from '../../web-host/renderer-dir.ts';
import { startWebHost } from '../../web-host/web-host.ts';
import { checkoutRoot, ensureRendererBuilt } from '../renderer-build.ts';

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => {}); // no browser to open: the URL is printed anyway
  child.unref();
}

export async function appCommand(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { 'no-open': { type: 'boolean' }, port: { type: 'string' } } }));
  } catch (error) {
    throw new KeyloadError(ErrorCodes.usage, (error as Error).message);
  }
  // A fresh clone, or sources changed since the last build: build before serving.
  ensureRendererBuilt(checkoutRoot, (line) => process.stdout.write(`${line}\n`));
  const app = createApp({ dataDir: userDataDir(), host: 'web', secrets: null });
  const host = await startWebHost(app, rendererDir(checkoutRoot), values.port ? Number(values.port) : 0);
  process.stdout.write(`Keyload is running at ${host.launchUrl}\n(only this machine can reach it; the token in the address is required; Ctrl-C to stop)\n`);
  if (!values['no-open']) openBrowser(host.launchUrl);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await host.close();
  await app.close();
  return 0;
}
