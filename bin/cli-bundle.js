// @ts-check
// The prebuilt CLI (out/cli, written by build/cli-bundle.ts) and whether it is current: it records
// the digest of the sources it was built from, and is used only while they are unchanged. Anything
// else (no bundle, an edited or deleted source) runs the TypeScript sources, which is always right,
// only slower to start (Node strips the types of every module on every run).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE_DIR = 'out/cli';
export const BUNDLE_INPUTS = 'inputs.json';

/**
 * One digest of the files' paths and contents (paths relative to `root`).
 * @param {string} root
 * @param {string[]} files
 * @returns {string}
 */
export function sourcesDigest(root, files) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  return hash.digest('hex');
}

/**
 * The bundled entry's path when the bundle matches the sources under `root`, else null.
 * @param {string} root
 * @returns {string | null}
 */
export function currentBundle(root) {
  const dir = join(root, BUNDLE_DIR);
  try {
    const { files, digest } = JSON.parse(readFileSync(join(dir, BUNDLE_INPUTS), 'utf8'));
    return sourcesDigest(root, files) === digest ? join(dir, 'keyload.js') : null;
  } catch {
    return null;
  }
}
