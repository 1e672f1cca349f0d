import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import { ensureRendererBuilt, rendererBuildState } from './renderer-build.ts';

/** A checkout-like tree; every file gets the given time (seconds since the epoch). */
function checkout(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'keyload-build-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, time] of Object.entries(files)) touch(root, path, time);
  return root;
}

function touch(root: string, path: string, time: number): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  utimesSync(file, time, time);
}

const sources = { 'src/renderer/main.tsx': 1000, 'src/renderer/features/run/run-screen.tsx': 1000, 'src/shared/errors.ts': 1000, 'electron.vite.config.ts': 1000, 'package.json': 1000 };

test('a fresh clone has no built renderer: missing', () => {
  expect(rendererBuildState(checkout(sources))).toBe('missing');
});

test('a build newer than every source is fresh; any newer source, deep down or shared, makes it stale', () => {
  const root = checkout({ ...sources, 'out/renderer/index.html': 2000 });
  expect(rendererBuildState(root)).toBe('fresh');
  touch(root, 'src/renderer/features/run/run-screen.tsx', 3000);
  expect(rendererBuildState(root)).toBe('stale');
  touch(root, 'out/renderer/index.html', 4000);
  expect(rendererBuildState(root)).toBe('fresh');
  touch(root, 'src/shared/errors.ts', 5000);
  expect(rendererBuildState(root)).toBe('stale');
  touch(root, 'out/renderer/index.html', 6000);
  touch(root, 'electron.vite.config.ts', 7000);
  expect(rendererBuildState(root)).toBe('stale');
});

test('tests and main-side sources do not make the renderer stale', () => {
  const root = checkout({ ...sources, 'out/renderer/index.html': 2000, 'src/renderer/features/run/run-screen.test.ts': 3000, 'src/main/cli/main.ts': 3000 });
  expect(rendererBuildState(root)).toBe('fresh');
});

test('a packaged app (no sources) is never built', () => {
  const root = checkout({ 'out/renderer/index.html': 2000 });
  expect(rendererBuildState(root)).toBe('no sources');
  const said: string[] = [];
  ensureRendererBuilt(root, (line) => said.push(line));
  expect(said).toEqual([]);
});

test('a missing build without electron-vite to make it is a clear error, before saying it builds', () => {
  const root = checkout(sources);
  const said: string[] = [];
  expect(() => ensureRendererBuilt(root, (line) => said.push(line))).toThrow(/electron-vite is not installed/);
  expect(said).toEqual([]);
});
