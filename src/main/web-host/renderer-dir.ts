// Where the built renderer is: `electron-vite build` writes it to out/renderer.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';

/** The built renderer of the checkout at `root`. */
export function rendererDir(root: string): string {
  const dir = join(root, 'out/renderer');
  if (!existsSync(`${dir}/index.html`)) {
    throw new KeyloadError(ErrorCodes.usage, 'The app is not built yet', { hint: 'Run npm run build (npm start does it for you).' });
  }
  return dir;
}
