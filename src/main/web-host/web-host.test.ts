// The app's main side through the localhost web host, against a real PostgreSQL: security checks,
// input validation, and every request of the contract.
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/database.ts';
import type { ActiveRun, EventMap, RunDetail } from '../../shared/ipc/contract.ts';
import type { LoadResult } from '../../shared/load-types.ts';
import { createApp, type App } from '../app/app.ts';
import { startWebHost, type WebHost } from './web-host.ts';

let db: TestDatabase;
let dir: string;
let app: App;
let host: WebHost;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'keyload-web-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Keyload</title>');
  app = createApp({ dataDir: join(dir, 'data'), host: 'web', secrets: null, localDbUrl: async () => db.url });
  host = await startWebHost(app, join(dir, 'renderer'));
  // The tests' files are written here, as if the user had dropped this folder on the app.
  app.chooseFiles([dir]);
});
afterAll(async () => {
  await host.close();
  await app.close();
  await db.drop();
});

async function call(name: string, input: unknown, token = host.token): Promise<{ status: number; body: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }> {
  const res = await fetch(`${host.url}/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(input) });
  return { status: res.status, body: (await res.json()) as { ok: boolean } };
}

async function value<T>(name: string, input: unknown): Promise<T> {
  const { body } = await call(name, input);
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value as T;
}

test('the API needs the launch token, the right Host header, and POST', async () => {
  expect((await call('system.info', {}, 'wrong')).status).toBe(401);
  const viaOtherHost = await new Promise<number>((resolve, reject) => {
    const req = request(`${host.url}/api/system.info`, { method: 'POST', headers: { host: 'evil.example:80', authorization: `Bearer ${host.token}` } }, (res) => resolve(res.statusCode ?? 0));
    req.on('error', reject);
    req.end('{}');
  });
  expect(viaOtherHost).toBe(421);
  expect((await fetch(`${host.url}/api/system.info?token=${host.token}`)).status).toBe(405);
  const page = await fetch(`${host.url}/`);
  expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(await value('system.info', {})).toMatchObject({ host: 'web', canStorePasswords: false });
});

/** A raw HTTP request, so any header (Origin, Sec-Fetch-Site) goes as given. */
function rawRequest(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${host.url}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a request from another site is refused even with the token; one from the page itself is served', async () => {
  const auth = { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' };
  const refused: Record<string, string>[] = [
    { origin: 'https://evil.example' },
    { origin: 'null' },
    { origin: host.url.replace('127.0.0.1', 'localhost') },
    { origin: host.url, 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { 'sec-fetch-site': 'none' },
  ];
  for (const headers of refused) {
    const answer = await rawRequest('POST', '/api/connections.save', { ...auth, ...headers }, JSON.stringify({ name: 'planted', host: 'h', port: 5432, database: 'd', user: 'u', sslMode: 'disable' }));
    expect({ headers, status: answer.status }).toEqual({ headers, status: 403 });
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'KEYLOAD_FORBIDDEN', message: expect.stringMatching(/^cross-origin request refused/) as unknown } });
  }
  const upload = await rawRequest('POST', '/api/upload?name=x.csv', { ...auth, origin: 'https://evil.example' }, 'id\n1\n');
  expect(upload.status).toBe(403);
  const events = await rawRequest('GET', `/api/download/rejects?token=${host.token}&runId=x&path=y`, { 'sec-fetch-site': 'cross-site' });
  expect(events.status).toBe(403);
  const names = async () => (await value<{ name: string }[]>('connections.list', {})).map((c) => c.name);
  expect(await names()).not.toContain('planted');
  const own = await rawRequest('POST', '/api/system.info', { ...auth, origin: host.url, 'sec-fetch-site': 'same-origin' }, '{}');
  expect(own.status).toBe(200);
  // A download the user opens from the address bar or a link in the page.
  expect((await rawRequest('GET', `/api/download/rejects?token=${host.token}&runId=x&path=y`, { 'sec-fetch-site': 'none' })).status).toBe(404);
});

test('only files the user chose are read: uploads, dropped folders, past runs; any other path is refused', async () => {
  const elsewhere = await mkdtemp(join(tmpdir(), 'keyload-not-chosen-'));
  const secret = join(elsewhere, 'secret.csv');
  await writeFile(secret, 'id,token\n1,hidden\n');
  const readers = [
    ['files.inspect', { paths: [secret] }],
    ['files.preview', { path: secret }],
    ['files.proposeColumns', { paths: [join(dir, 'items.csv'), secret] }],
    ['mapping.suggest', { connectionId: 'local', table: 'web_items', files: [secret] }],
    ['runs.check', { connectionId: 'local', options: { files: [secret], table: 'web_items' } }],
    ['runs.start', { connectionId: 'local', options: { files: [secret], table: 'web_items' } }],
    // A path that climbs out of the chosen folder is not inside it.
    ['files.inspect', { paths: [join(dir, '..', elsewhere.slice(tmpdir().length + 1), 'secret.csv')] }],
    ['files.inspect', { paths: ['/etc/passwd'] }],
  ] as const;
  for (const [name, input] of readers) {
    const answer = await call(name, input);
    expect({ name, status: answer.status }).toEqual({ name, status: 403 });
    expect(answer.body.error).toMatchObject({ code: 'KEYLOAD_FORBIDDEN', message: expect.stringMatching(/was not chosen in this session/) as unknown });
    expect(JSON.stringify(answer.body)).not.toContain('hidden');
  }
  // The same bytes uploaded (what the browser does with a dropped file) are read.
  const uploaded = await fetch(`${host.url}/api/upload?name=secret.csv`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: 'id,token\n1,hidden\n' });
  const { path } = ((await uploaded.json()) as { value: { path: string } }).value;
  expect(await value<{ columns: { name: string }[] }[]>('files.inspect', { paths: [path] })).toMatchObject([{ columns: [{ name: 'id' }, { name: 'token' }] }]);
  expect((await call('files.inspect', { paths: [path.replace('secret.csv', '../secret.csv')] })).status).toBe(403);
});

test('every input is validated: unknown requests and malformed inputs are clear usage errors', async () => {
  const unknown = await call('files.delete', {});
  expect(unknown.status).toBe(400);
  expect(unknown.body.error).toMatchObject({ code: 'KEYLOAD_USAGE', message: expect.stringContaining('Unknown request') });
  const invalid = await call('files.inspect', { paths: [] });
  expect(invalid.status).toBe(400);
  expect(invalid.body.error?.message).toMatch(/Invalid files\.inspect request: paths/);
  const notJson = await fetch(`${host.url}/api/system.info`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: '{"unclosed' });
  expect(notJson.status).toBe(400);
  expect(await notJson.json()).toMatchObject({ ok: false, error: { code: 'KEYLOAD_USAGE', message: expect.stringContaining('not JSON') } });
  expect((await call('connections.save', { name: 'x', host: 'h', port: 99999, database: 'd', user: 'u', sslMode: 'disable' })).body.error?.message).toMatch(/port/);
  expect((await call('runs.start', { connectionId: 'local', options: { files: ['a.csv'], table: 't', mode: 'merge' } })).body.error?.message).toMatch(/options\.mode/);
});

test('connections, files, tables and mapping, then a run streamed as server-sent events and kept in history', async () => {
  await db.query('CREATE TABLE web_items (id int PRIMARY KEY, name text)');
  const csv = join(dir, 'items.csv');
  await writeFile(csv, 'id,Name,extra\n1,a,x\n2,b,y\n');
  const connections = await value<{ id: string; builtin: boolean }[]>('connections.list', {});
  expect(connections[0]).toMatchObject({ id: 'local', builtin: true });
  const url = new URL(db.url);
  const saved = await value<{ id: string; hasPassword: boolean; passwordStore: string | null }>('connections.save', {
    name: 'test server', host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user: url.username, sslMode: 'disable',
  });
  expect(saved.hasPassword).toBe(false);
  expect((await call('tables.list', { connectionId: saved.id })).body.error?.code).toBe('KEYLOAD_CONNECTION');
  // The web host holds a password for the session only (in memory, never on disk).
  expect(await value('connections.save', { id: saved.id, name: 'test server', host: url.hostname, port: Number(url.port), database: url.pathname.slice(1), user: url.username, sslMode: 'disable', password: url.password })).toMatchObject({ hasPassword: true, passwordStore: 'session' });
  const tested = await value<{ serverVersion: string; freeConnections: number }>('connections.test', { connectionId: saved.id });
  expect(tested.freeConnections).toBeGreaterThan(0);
  expect(tested.serverVersion).toMatch(/^\d+\.\d+/);
  expect(await value('tables.list', { connectionId: 'local' })).toContainEqual({
    schema: 'public', name: 'web_items', rowEstimate: null, columns: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'text' }],
  });
  expect(await value('tables.describe', { connectionId: 'local', table: 'web_items' })).toMatchObject({ uniqueKeys: [{ columns: ['id'], primary: true }] });
  const [inspected] = await value<{ format: string; rowEstimate: number; columns: { name: string }[] }[]>('files.inspect', { paths: [csv] });
  expect(inspected?.format).toMatch(/^CSV, comma-separated/);
  expect(inspected?.rowEstimate).toBe(2);
  const ambiguous = join(dir, 'ambiguous.csv');
  await writeFile(ambiguous, 'a;b,c\n1;2,3\n');
  for (const [delimiter, columns] of [[';', ['a', 'b,c']], [',', ['a;b', 'c']]] as const) {
    const [read] = await value<{ columns: { name: string }[] }[]>('files.inspect', { paths: [ambiguous], overrides: { [ambiguous]: { delimiter } } });
    expect(read?.columns.map((c) => c.name)).toEqual(columns);
    const [suggested] = await value<{ skipped: string[] }[]>('mapping.suggest', { connectionId: 'local', table: 'web_items', files: [ambiguous], overrides: { [ambiguous]: { delimiter } } });
    expect(suggested?.skipped).toEqual(columns);
  }
  const [suggestion] = await value<{ mapped: { source: string; target: string }[]; skipped: string[] }[]>('mapping.suggest', { connectionId: 'local', table: 'web_items', files: [csv] });
  expect(suggestion?.mapped.map((m) => `${m.source}->${m.target}`)).toEqual(['id->id', 'Name->name']);
  expect(suggestion?.skipped).toEqual(['extra']);

  const events = new AbortController();
  const seen: { event: string; data: unknown }[] = [];
  const stream = fetch(`${host.url}/api/events?token=${host.token}`, { signal: events.signal }).then(async (res) => {
    const reader = res.body?.getReader();
    let buffer = '';
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return;
      buffer += new TextDecoder().decode(chunk.value);
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (name && data) seen.push({ event: name, data: JSON.parse(data) });
      }
    }
  }).catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 100));
  const { runId } = await value<{ runId: string }>('runs.start', { connectionId: 'local', options: { files: [csv], table: 'web_items', map: { extra: null } } });
  for (let i = 0; i < 200 && !seen.some((e) => e.event === 'run.finished'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  events.abort();
  await stream;
  const finished = seen.find((e) => e.event === 'run.finished')?.data as EventMap['run.finished'];
  expect(finished).toEqual({ runId, status: 'loaded' });
  const stages = seen.flatMap((e) => (e.event === 'run.event' && (e.data as EventMap['run.event']).event.type === 'file-progress' ? [((e.data as EventMap['run.event']).event as { file: { stage: string } }).file.stage] : []));
  expect(stages.at(-1)).toBe('done');
  expect(await db.query('SELECT id, name FROM web_items ORDER BY id')).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
  const detail = await value<RunDetail>('runs.get', { runId });
  expect(detail).toMatchObject({ status: 'loaded', table: 'web_items', connectionName: 'Local database', totals: { inserted: 2 } });
  const listed = await value<{ runId: string }[]>('runs.list', { search: 'web_items' });
  expect(listed.map((r) => r.runId)).toContain(runId);
  expect((await call('runs.cancel', { runId })).body.error?.message).toMatch(/not running/);
});

test('mapping profiles are saved and listed; saved connections are removed but the built-in one is not', async () => {
  const profile = { version: 1, columns: { 'E-Mail': 'email', Notes: null } };
  await value('profiles.save', { name: 'customers', profile });
  expect(await value('profiles.list', {})).toContainEqual({ name: 'customers', profile });
  expect((await call('profiles.save', { name: 'bad', profile: { version: 2, columns: {} } })).body.error?.message).toMatch(/profile/);
  const saved = await value<{ id: string }>('connections.save', { name: 'gone soon', host: 'db', port: 5432, database: 'x', user: 'u', sslMode: 'require' });
  await value('connections.remove', { id: saved.id });
  expect((await value<{ id: string }[]>('connections.list', {})).map((c) => c.id)).not.toContain(saved.id);
  expect((await call('connections.remove', { id: 'local' })).body.ok).toBe(false);
});

test('dropped files upload to the host and can then be inspected', async () => {
  const res = await fetch(`${host.url}/api/upload?name=${encodeURIComponent('../../evil name.csv')}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: 'a,b\n1,2\n' });
  const body = (await res.json()) as { ok: boolean; value: { path: string } };
  expect(body.value.path).toMatch(/evil name\.csv$/);
  expect(body.value.path).not.toContain('..');
  const [inspected] = await value<{ columns: { name: string }[] }[]>('files.inspect', { paths: [body.value.path] });
  expect(inspected?.columns.map((c) => c.name)).toEqual(['a', 'b']);
});

test('runs.active lists a running load with each file\'s latest progress, until it is cancelled', async () => {
  await db.query('CREATE TABLE web_big (id int PRIMARY KEY, name text)');
  const small = join(dir, 'active-small.csv');
  const big = join(dir, 'active-big.csv');
  const last = join(dir, 'active-last.csv');
  await writeFile(small, 'id,name\n1,a\n');
  await writeFile(last, 'id,name\n0,z\n');
  // Big enough to still be loading while the test looks at it.
  await writeFile(big, `id,name\n${Array.from({ length: 600_000 }, (_, i) => `${i + 2},row ${i}`).join('\n')}\n`);
  expect(await value('runs.active', {})).toEqual([]);
  const { runId } = await value<{ runId: string }>('runs.start', { connectionId: 'local', options: { files: [small, big, last], table: 'web_big', concurrency: 1 } });

  let active: ActiveRun[] = [];
  for (let i = 0; i < 400; i++) {
    active = await value<ActiveRun[]>('runs.active', {});
    if (active[0]?.files.some((f) => f.path === big && f.bytesRead > 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(active).toHaveLength(1);
  const [run] = active;
  expect(run).toMatchObject({ runId, connectionId: 'local', connectionName: 'Local database', table: 'web_big', options: { files: [small, big, last], table: 'web_big', mode: 'upsert', concurrency: 1 } });
  expect(run?.files.map((f) => f.path)).toEqual([small, big, last]);
  // The small file is read; it may still wait for its turn to merge.
  expect(run?.files[0]?.counts.read).toBe(1);
  expect(run?.files[0]?.stage).not.toBe('queued');
  const bigProgress = run?.files[1];
  expect(bigProgress?.stage).not.toBe('queued');
  expect(bigProgress?.bytesRead).toBeGreaterThan(0);
  expect(bigProgress?.totalBytes).toBeGreaterThan(bigProgress?.bytesRead ?? 0);
  // Not begun yet, but its size is known from the plan.
  expect(run?.files[2]).toMatchObject({ stage: 'queued', bytesRead: 0, totalBytes: 'id,name\n0,z\n'.length });

  await value('runs.cancel', { runId });
  let detail: RunDetail | null = null;
  for (let i = 0; i < 400 && detail?.status !== 'cancelled'; i++) {
    detail = await value<RunDetail>('runs.get', { runId });
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(detail?.status).toBe('cancelled');
  expect(await value('runs.active', {})).toEqual([]);
}, 60_000);

test("a run's rejects file is viewed and downloaded through the host, and no other file is", async () => {
  await db.query('CREATE TABLE web_amounts (id int PRIMARY KEY, amount int)');
  const csv = join(dir, 'amounts é.csv');
  await writeFile(csv, 'id,amount\n1,10\n2,ten\n3,30\n4,"4,5"\n');
  const { runId } = await value<{ runId: string }>('runs.start', { connectionId: 'local', options: { files: [csv], table: 'web_amounts' } });
  let detail = await value<RunDetail>('runs.get', { runId });
  for (let i = 0; i < 200 && detail.status === 'running'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    detail = await value<RunDetail>('runs.get', { runId });
  }
  expect(detail.status).toBe('loaded with rejects');
  const rejectsFile = detail.result?.files[0]?.rejectsFile ?? '';
  expect(rejectsFile).toMatch(/amounts é\.csv\.rejects\.csv$/);

  const page = await value<{ columns: string[]; rows: (string | null)[][]; total: number; truncated: boolean }>('runs.rejects', { runId, path: rejectsFile });
  expect(page.columns).toEqual(['line', 'column', 'reason', 'id', 'amount']);
  expect(page.rows.map((row) => [row[0], row[1], row[3], row[4]])).toEqual([['3', 'amount', '2', 'ten'], ['5', 'amount', '4', '4,5']]);
  expect(page.rows[0]?.[2]).toMatch(/integer/);
  expect(page).toMatchObject({ total: 2, truncated: false });
  expect((await call('runs.rejects', { runId, path: csv })).body.error).toMatchObject({ code: 'KEYLOAD_USAGE', message: expect.stringContaining('not a rejects file of this run') });
  expect((await call('runs.revealRejects', { runId, path: rejectsFile })).body.error?.message).toMatch(/desktop app/);

  const download = (query: Record<string, string>) => fetch(`${host.url}/api/download/rejects?${new URLSearchParams(query)}`);
  const ok = await download({ runId, path: rejectsFile, token: host.token });
  expect(ok.status).toBe(200);
  expect(ok.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(ok.headers.get('content-disposition')).toBe(`attachment; filename="001-amounts _.csv.rejects.csv"; filename*=UTF-8''001-amounts%20%C3%A9.csv.rejects.csv`);
  const body = await ok.text();
  expect(body.split('\n')[0]).toBe('line,column,reason,id,amount');
  expect(body).toContain('"4,5"');

  expect((await download({ runId, path: rejectsFile })).status).toBe(401);
  expect((await download({ runId, path: rejectsFile, token: 'wrong' })).status).toBe(401);
  for (const path of [csv, '/etc/passwd', join(dir, 'data', 'keyload.db')]) expect((await download({ runId, path, token: host.token })).status).toBe(404);
  expect((await download({ runId: 'no-such-run', path: rejectsFile, token: host.token })).status).toBe(404);
  const posted = await fetch(`${host.url}/api/download/rejects?${new URLSearchParams({ runId, path: rejectsFile, token: host.token })}`, { method: 'POST' });
  expect(await posted.json()).toMatchObject({ ok: false, error: { code: 'KEYLOAD_USAGE' } }); // not the file
});

test('runs.check is the dry run: what each file would do, nothing written, nothing in the history', async () => {
  await db.query('CREATE TABLE web_checked (id int PRIMARY KEY, name text)');
  await db.query('CREATE TABLE web_keyless (id int, name text)');
  const csv = join(dir, 'checked.csv');
  await writeFile(csv, 'id,name\n1,a\n2,b\n');
  const before = (await value<unknown[]>('runs.list', {})).length;

  const planned = await value<LoadResult>('runs.check', { connectionId: 'local', options: { files: [csv], table: 'web_checked' } });
  expect(planned).toMatchObject({ dryRun: true, files: [{ path: csv, status: 'planned' }] });
  expect(await db.query('SELECT count(*)::int AS n FROM web_checked')).toEqual([{ n: 0 }]);
  expect((await value<unknown[]>('runs.list', {})).length).toBe(before);

  const { runId } = await value<{ runId: string }>('runs.start', { connectionId: 'local', options: { files: [csv], table: 'web_checked' } });
  for (let i = 0; i < 200 && (await value<RunDetail>('runs.get', { runId })).status === 'running'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  const again = await value<LoadResult>('runs.check', { connectionId: 'local', options: { files: [csv], table: 'web_checked' } });
  expect(again.files[0]).toMatchObject({ status: 'skipped', skipReason: 'already loaded' });

  const refused = await call('runs.check', { connectionId: 'local', options: { files: [csv], table: 'web_keyless' } });
  expect(refused.body.error?.code).toBe('KEYLOAD_KEY_MISSING');
  expect(refused.status).toBe(400);
});

test('a failed request answers the status its error code calls for, and keeps the code and message', async () => {
  await db.query('CREATE TABLE web_statuses (id int PRIMARY KEY, name text)');
  const csv = join(dir, 'statuses.csv');
  await writeFile(csv, 'id,name\n1,a\n');
  const check = (options: Record<string, unknown>) => call('runs.check', { connectionId: 'local', options: { files: [csv], ...options } });

  const missingTable = await check({ table: 'web_nowhere' });
  expect(missingTable.status).toBe(404);
  expect(missingTable.body.error).toMatchObject({ code: 'KEYLOAD_TABLE_NOT_FOUND', message: expect.stringContaining('web_nowhere') });
  const missingFile = await call('files.proposeColumns', { paths: [join(dir, 'no-such.csv')] });
  expect(missingFile.status).toBe(404);
  expect(missingFile.body.error?.code).toBe('KEYLOAD_FILE_NOT_FOUND');

  const exists = await check({ table: 'web_statuses', createTable: true, tableMustBeNew: true });
  expect(exists.status).toBe(409);
  expect(exists.body.error?.code).toBe('KEYLOAD_TABLE_EXISTS');

  // The server's own refusal keeps its SQLSTATE (42704: undefined object) and answers as a gateway.
  const badType = await check({ table: 'web_new_statuses', createTable: true, key: ['id'], columnTypes: { name: 'no_such_type' } });
  expect(badType.status).toBe(502);
  expect(badType.body.error).toMatchObject({ code: '42704', message: expect.stringContaining('no_such_type') });

  // A host whose app has closed its database fails inside: an internal error, 500.
  const closedApp = createApp({ dataDir: join(dir, 'closed-data'), host: 'web', secrets: null, localDbUrl: async () => db.url });
  const closedHost = await startWebHost(closedApp, join(dir, 'renderer'));
  try {
    await closedApp.close();
    const res = await fetch(`${closedHost.url}/api/profiles.list`, { method: 'POST', headers: { authorization: `Bearer ${closedHost.token}` }, body: '{}' });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'KEYLOAD_INTERNAL', message: expect.stringMatching(/database/i) } });
  } finally {
    await closedHost.close();
  }
});
