#!/usr/bin/env node
// `npm start`: the desktop app in Electron; where Electron's binary is missing and cannot be
// downloaded (no internet), the same screens in the browser via the localhost web host.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureElectron } from '../src/main/electron-binary.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (command, args) => spawn(command, args, { cwd: root, stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
const electron = ensureElectron(root);
if (electron) {
  run(electron, ['.']);
} else {
  process.stderr.write('Electron is not available on this machine (its binary could not be downloaded): opening Keyload in your browser instead.\n');
  run(process.execPath, ['bin/keyload.js', 'app', ...process.argv.slice(2)]);
}
