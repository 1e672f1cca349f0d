// No password is ever printed or written: a role with a distinctive password loads through every
// form of connection string (well-formed, keyword/value, malformed, wrong) with the real CLI and
// through the app, and then every output, report, rejects file and the history database are searched.
import { execFile } from 'node:child_process';
import { readdir, readFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/database.ts';
import type { RunDetail } from '../../shared/ipc/contract.ts';
import { createApp } from '../app/app.ts';

const run = promisify(execFile);
const tag = randomBytes(4).toString('hex');
const role = `kl_secret_${tag}`;
// A password with a space; its first word, in any encoding, must never appear.
const password = `S3cretPW ${tag}x`;
const core = 'S3cretPW';
let db: TestDatabase;
let home: string;
let host: string;
let port: string;
const outputs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  home = await mkdtemp(join(tmpdir(), 'keyload-secrets-'));
  // The password is a fixed alphabet (letters, digits, space): safe inside a literal.
  await db.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
  const url = new URL(db.url);
  host = url.hostname;
  port = url.port;
  await db.query('CREATE TABLE secret_items (id int PRIMARY KEY, name text)');
  await writeFile(join(home, 'items.csv'), 'id,name\n1,a\nnope,b\n2,c\n');
});
afterAll(async () => {
  await db.drop();
  const admin = await createTestDatabase();
  await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.drop();
});

async function keyload(args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const options = { env: { PATH: process.env.PATH ?? '', KEYLOAD_HOME: join(home, 'keyload'), ...env } };
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/keyload.js', ...args], options);
    outputs.push(stdout, stderr);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    outputs.push(failed.stdout, failed.stderr);
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const load = (dsn: string, ...extra: string[]) => keyload(['load', '--dsn', dsn, '--table', 'secret_items', '--json', '--force', ...extra, join(home, 'items.csv')]);
const database = () => new URL(db.url).pathname.slice(1);

test('a percent-encoded URL and a keyword/value string both load; a bad row goes to the rejects file', async () => {
  const url = `postgres://${role}:${encodeURIComponent(password)}@${host}:${port}/${database()}`;
  const viaUrl = await load(url);
  expect(viaUrl.code).toBe(3);
  expect(viaUrl.output).toContain(`Target: ${role}@${host}:${port}/${database()} (dsn)`);
  const keywords = `host=${host} port=${port} dbname=${database()} user=${role} password='${password}' connect_timeout=10`;
  const viaKeywords = await load(keywords);
  expect(viaKeywords.code).toBe(3);
  expect(viaKeywords.output).toContain(`Target: ${role}@${host}:${port}/${database()} (dsn)`);
  expect(viaKeywords.output).toContain('Not used from the connection string: connect_timeout');
  expect(await db.query('SELECT id, name FROM secret_items ORDER BY id')).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'c' }]);
  // DATABASE_URL takes the keyword/value form too.
  expect((await keyload(['load', '--table', 'secret_items', '--force', join(home, 'items.csv')], { DATABASE_URL: keywords })).code).toBe(3);
});

test('an unencoded space in the password still connects, and is not shown', async () => {
  const out = await load(`postgres://${role}:${password}@${host}:${port}/${database()}`);
  expect(out.code).toBe(3);
  expect(out.output).toContain(`Target: ${role}@${host}:${port}/${database()} (dsn)`);
});

test('malformed and wrong connection strings fail without showing the password', async () => {
  const noScheme = await load(`${role}:${password}@${host}:${port}/${database()}`);
  expect(noScheme.code).toBe(2);
  expect(noScheme.output).toMatch(/--dsn is neither a postgres:\/\/ URL nor libpq keyword=value pairs/);
  // Unquoted, the password's second word reads as a keyword of its own.
  const unquoted = await load(`host=${host} port=${port} dbname=${database()} user=${role} password=${password}`);
  expect(unquoted.code).toBe(2);
  expect(unquoted.output).toMatch(/(Missing "=" after the keyword|Expected a keyword such as host=) at character \d+/);
  const wrong = await load(`postgres://${role}:${encodeURIComponent(`${core}wrong`)}@${host}:${port}/${database()}`);
  expect(wrong.code).toBe(1);
  expect(wrong.output).toMatch(/password authentication failed/);
  const unterminated = await load(`host=${host} password='${password}`);
  expect(unterminated.code).toBe(2);
});

test('the app keeps no password in its history database, reports or rejects files', async () => {
  const dataDir = join(home, 'app');
  const app = createApp({ dataDir, host: 'web', secrets: null, localDbUrl: async () => db.url });
  app.chooseFiles([join(home, 'items.csv')]);
  try {
    const saved = await app.dispatch('connections.save', { name: 'secret', host, port: Number(port), database: database(), user: role, sslMode: 'disable', password });
    if (!saved.ok) throw new Error(saved.error.message);
    const connectionId = (saved.value as { id: string }).id;
    const started = await app.dispatch('runs.start', { connectionId, options: { files: [join(home, 'items.csv')], table: 'secret_items', force: true } });
    if (!started.ok) throw new Error(started.error.message);
    const { runId } = started.value as { runId: string };
    let detail: RunDetail | null = null;
    // A hang guard, not a timing assertion.
    for (let i = 0; i < 600 && (detail?.status ?? 'running') === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reply = await app.dispatch('runs.get', { runId });
      detail = reply.ok ? (reply.value as RunDetail | null) : null;
    }
    expect(detail?.status).toBe('loaded with rejects');
    // A wrong password's failure is recorded too.
    await app.dispatch('connections.save', { id: connectionId, name: 'secret', host, port: Number(port), database: database(), user: role, sslMode: 'disable', password: `${core}wrong` });
    const failed = await app.dispatch('connections.test', { connectionId });
    expect(failed.ok).toBe(false);
  } finally {
    await app.close();
  }
  // The database with its WAL: everything SQLite has on disk for it.
  const history = (await Promise.all(['keyload.db', 'keyload.db-wal'].map((name) => readFile(join(dataDir, name)).catch(() => Buffer.alloc(0))))).map((bytes) => bytes.toString('latin1')).join('');
  expect(history).toContain('secret_items');
  expect(history).not.toContain(core);
});

test('nothing printed and no file written holds the password', async () => {
  const files = await everyFile(home);
  expect(files.some((file) => file.endsWith('.rejects.csv'))).toBe(true);
  expect(files.some((file) => file.endsWith('report.json'))).toBe(true);
  const written = await Promise.all(files.filter((file) => !file.endsWith('items.csv')).map(async (file) => ({ file, text: (await readFile(file)).toString('latin1') })));
  expect(outputs.length).toBeGreaterThan(10);
  expect(outputs.filter((text) => text.includes(core))).toEqual([]);
  expect(written.filter(({ text }) => text.includes(core)).map(({ file }) => file)).toEqual([]);
});

async function everyFile(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
