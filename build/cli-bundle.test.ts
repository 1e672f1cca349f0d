// The prebuilt CLI: it loads as the sources do (its worker entries found next to it), and it is used
// only while it matches the sources it was built from.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';
import { useTestHarness } from '../test/load-harness.ts';
import { BUNDLE_DIR, BUNDLE_INPUTS, currentBundle, sourcesDigest } from '../bin/cli-bundle.js';
import { buildCliBundle } from './cli-bundle.ts';

const run = promisify(execFile);
const t = useTestHarness();
const root = join(import.meta.dirname, '..');
// Inside the checkout (ignored by git), so the bundle's packages resolve from node_modules.
const outDir = join(root, '.tmp', `cli-bundle-${process.pid}`);
afterAll(() => rm(outDir, { recursive: true, force: true }));

test('the bundled CLI loads files through its own reader workers: the pass-through append and the validated upsert with a rejected row', async () => {
  await buildCliBundle(root, relative(root, outDir));
  await t.db.query('CREATE TABLE bundled (id int PRIMARY KEY, name text, n int)');
  const append = await t.h.file('first.csv', 'id,name,n\n1,a,10\n2,b,20\n');
  const upsert = await t.h.file('second.csv', 'id,name,n\n2,B,21\n3,c,not-a-number\n4,d,40\n');
  const keyload = async (...args: string[]) => {
    const argv = [join(outDir, 'keyload.js'), 'load', '--dsn', t.db.url, '--table', 'bundled', '--json', ...args];
    // Exit code 3: loaded with rejected rows; the result is on stdout all the same.
    const { stdout } = await run(process.execPath, argv, { env: { PATH: process.env.PATH ?? '', KEYLOAD_HOME: t.h.dir } }).catch((error: { code?: number; stdout?: string }) => {
      if (error.code !== 3) throw error;
      return { stdout: error.stdout ?? '' };
    });
    return JSON.parse(stdout) as { files: { status: string; counts: { inserted: number; updated: number; rejected: number } }[] };
  };
  expect((await keyload('--mode', 'append', append)).files.map((f) => [f.status, f.counts.inserted])).toEqual([['loaded', 2]]);
  const second = (await keyload(upsert)).files[0];
  expect([second?.counts.inserted, second?.counts.updated, second?.counts.rejected]).toEqual([1, 1, 1]);
  expect(await t.db.query('SELECT id, name, n FROM bundled ORDER BY id')).toEqual([
    { id: 1, name: 'a', n: 10 },
    { id: 2, name: 'B', n: 21 },
    { id: 4, name: 'd', n: 40 },
  ]);
});

test('a bundle is current only while every source it lists is unchanged', async () => {
  const fake = await mkdtemp(join(tmpdir(), 'keyload-bundle-'));
  try {
    await mkdir(join(fake, 'src'));
    await mkdir(join(fake, BUNDLE_DIR), { recursive: true });
    const files = ['src/a.ts', 'src/b.ts'];
    await writeFile(join(fake, 'src/a.ts'), 'export const a = 1;\n');
    await writeFile(join(fake, 'src/b.ts'), 'export const b = 2;\n');
    expect(currentBundle(fake)).toBeNull(); // no inputs list: never built
    await writeFile(join(fake, BUNDLE_DIR, BUNDLE_INPUTS), JSON.stringify({ digest: sourcesDigest(fake, files), files }));
    expect(currentBundle(fake)).toBe(join(fake, BUNDLE_DIR, 'keyload.js'));
    await writeFile(join(fake, 'src/b.ts'), 'export const b = 3;\n');
    expect(currentBundle(fake)).toBeNull(); // edited
    await writeFile(join(fake, 'src/b.ts'), 'export const b = 2;\n');
    expect(currentBundle(fake)).not.toBeNull();
    await rm(join(fake, 'src/a.ts'));
    expect(currentBundle(fake)).toBeNull(); // deleted
  } finally {
    await rm(fake, { recursive: true, force: true });
  }
});
