#!/usr/bin/env node
// `npm start`: the desktop app in Electron; where Electron's binary is missing (it downloads on
// first use, which needs the internet), the same screens in the browser via the localhost web host.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let electronBinary = null;
try {
  electronBinary = createRequire(import.meta.url)('electron');
} catch {
  electronBinary = null;
}

const run = (command, args) =>
  spawn(command, args, { cwd: root, stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));

if (typeof electronBinary === 'string' && existsSync(electronBinary)) {
  run(electronBinary, ['.']);
} else {
  process.stderr.write('Electron is not installed on this machine (its binary could not be downloaded): opening Keyload in your browser instead.\n');
  run(process.execPath, ['bin/keyload.js', 'app', ...process.argv.slice(2)]);
}
