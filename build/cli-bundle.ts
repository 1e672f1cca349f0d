// `npm run build:cli` (also run by `npm install`): bundles the CLI and its worker entries into
// out/cli, so a run starts without stripping the types of ~200 modules (0.25 s instead of 0.5 s to
// the first query, and as much again in each reader worker's start). Packages stay external, loaded
// from node_modules. The bundle lists its source modules and their digest; bin/keyload.js uses it
// only while they are unchanged.
import { rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { BUNDLE_DIR, BUNDLE_INPUTS, sourcesDigest } from '../bin/cli-bundle.js';

/** Entries: the CLI, and the worker files that reader-pool.ts and engine-host.ts start by name. */
const ENTRIES = {
  keyload: 'src/main/cli/main.ts',
  'reader-worker': 'src/main/engine/reader/reader-worker.ts',
  'engine-worker': 'src/main/app/engine-worker.ts',
};

/** Builds the bundle of the checkout at `root` into `root/outDir`, replacing what was there. */
export async function buildCliBundle(root: string, outDir = BUNDLE_DIR): Promise<void> {
  const target = resolve(root, outDir);
  // Built aside and moved in whole: a CLI starting meanwhile sees the old bundle or the new one.
  const staging = `${target}.${process.pid}.tmp`;
  const input = Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(root, file)]));
  const output = await build({
    input,
    cwd: root,
    platform: 'node',
    // Bare specifiers (packages, node: built-ins) are loaded at run time, as the sources load them.
    external: [/^[^./]/],
    logLevel: 'warn',
    output: { dir: staging, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
  });
  const modules = output.output.flatMap((item) => (item.type === 'chunk' ? item.moduleIds : []));
  const files = [...new Set(modules.filter((id) => !id.startsWith('\0')).map((id) => relative(root, id)))].sort();
  await writeFile(join(staging, BUNDLE_INPUTS), `${JSON.stringify({ digest: sourcesDigest(root, files), files }, null, 1)}\n`);
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  await buildCliBundle(root);
  console.log(`CLI bundle written to ${BUNDLE_DIR}`);
}
