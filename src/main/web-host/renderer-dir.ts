// Where the built renderer is: `electron-vite build` writes it to out/renderer.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';

export function rendererDir(): string {
  const dir = fileURLToPath(new URL('../../../out/renderer', import.meta.url));
  if (!existsSync(`${dir}/index.html`)) {
    throw new KeyloadError(ErrorCodes.usage, 'The app is not built yet', { hint: 'Run npm run build (npm start does it for you).' });
  }
  return dir;
}
