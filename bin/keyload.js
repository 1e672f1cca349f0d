#!/usr/bin/env node
// Keyload runs its prebuilt bundle when it matches the sources, else the TypeScript sources
// directly, which needs Node 22.12+ (type stripping).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`keyload: needs Node.js 22.12 or newer, this is ${process.versions.node}. Run it through npm (npx keyload ...), which uses the project's pinned Node.\n`);
  process.exit(1);
}
// Caches compiled code between runs (Node 22.1+): start-up time counts for every short load.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { fileURLToPath, pathToFileURL } = await import('node:url');
const { currentBundle } = await import('./cli-bundle.js');
const bundle = currentBundle(fileURLToPath(new URL('..', import.meta.url)));
await import(bundle ? pathToFileURL(bundle).href : '../src/main/cli/main.ts');
