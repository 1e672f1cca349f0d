// The conflict preview through the app's dispatcher against a real PostgreSQL: staging progress as
// events, re-ranking without reading the files again, pages, the CSV export, closing. The results
// are also the renderer's fixture (src/renderer/test/preview-fixture.json): the component tests are
// fed what a real preview returns, and this test fails when that drifts.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/database.ts';
import type { EventMap } from '../../../shared/ipc/contract.ts';
import type { ConflictPage, PreviewSummary } from '../../../shared/preview-types.ts';
import { createApp, type App } from '../app.ts';

const fixturePath = new URL('../../../renderer/test/preview-fixture.json', import.meta.url);
let db: TestDatabase;
let app: App;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'keyload-preview-app-'));
  app = createApp({ dataDir: join(dir, 'keyload'), host: 'web', secrets: null, localDbUrl: async () => db.url });
});
afterAll(async () => {
  await app.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

async function value<T>(name: string, input: unknown): Promise<T> {
  const reply = await app.dispatch(name, input);
  if (!reply.ok) throw new Error(`${name}: ${reply.error.code} ${reply.error.message}`);
  return reply.value as T;
}

/** The same data wherever the test runs: the files under /data, no run id, no timing. */
function portable<T>(result: T): T {
  const text = JSON.stringify(result).replaceAll(dir, '/data');
  return JSON.parse(text, (key, v: unknown) => (key === 'runId' ? 'run' : key === 'seconds' ? 0 : v)) as T;
}

test('a preview stages with progress, re-ranks under another policy, pages and exports its conflicts, then closes', async () => {
  await db.query('CREATE TABLE orders (id int PRIMARY KEY, city text, amount int)');
  await db.query(`INSERT INTO orders VALUES (1, 'Lyon', 10), (2, 'Oslo', 20), (4, 'Rome', 40)`);
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  await writeFile(a, 'id,city,amount\n1,Lyon,10\n2,Bergen,20\n3,Lima,30\n3,Lima,31\n5,Kyoto,50\nx,Bad,1\n');
  await writeFile(b, 'id,city,amount\n2,Bergen,22\n3,@Quito,30\n4,Rome,40\n6,Kyiv,60\n');
  app.chooseFiles([a, b]);
  const events: EventMap['preview.event'][] = [];
  const off = app.events.on('preview.event', (payload) => events.push(payload));
  const options = { files: [a, b], table: 'orders', conflictPolicy: 'last' };

  const last = await value<PreviewSummary>('preview.open', { previewId: 'p1', connectionId: 'local', options });
  off();
  expect(events.filter((e) => e.previewId === 'p1' && e.event.type === 'file-progress').length).toBeGreaterThan(0);
  // a.csv's versions of keys 2 and 3 are superseded by b.csv's; key 3 repeats in a.csv.
  expect(last.totals).toMatchObject({ read: 10, inserted: 3, updated: 1, unchanged: 2, superseded: 2, collapsed: 1, rejected: 1 });
  expect(last.overlap).toEqual([[4, 2], [2, 4]]);

  const first = await value<PreviewSummary>('preview.summary', { previewId: 'p1', conflictPolicy: 'first' });
  expect(first.policy).toBe('first');
  const crossFile = await value<ConflictPage>('preview.conflicts', { previewId: 'p1', kind: 'cross-file', files: [a, b] });
  expect(crossFile.entries.map((entry) => entry.key)).toEqual([{ id: 2 }, { id: 3 }]);
  // Under "first", a.csv's versions win.
  expect(crossFile.entries.every((entry) => entry.versions.find((v) => v.winner)?.file === a)).toBe(true);
  const rejected = await value<ConflictPage>('preview.conflicts', { previewId: 'p1', kind: 'rejected' });
  expect(rejected.total).toBe(1);

  // The export (the web host serves this file; src/main/web-host/preview-download.test.ts), formula-escaped.
  const csv = await readFile(await app.previewConflictsFile('p1'), 'utf8');
  expect(csv.split('\n')[0]).toBe('kind,key,source,file,line,wins,id,city,amount');
  expect(csv).toContain(`cross-file,3,file,${b},3,,3,'@Quito,30`);

  // What the Preview step asks for each policy: the list, and every cell of the overlap matrix.
  const filters = [{}, { kind: 'cross-file', files: [a, b] }, { kind: 'cross-file', files: [b, a] }, { kind: 'duplicate', files: [a, a] }, { kind: 'duplicate', files: [b, b] }, { kind: 'target', files: [a, a] }, { kind: 'target', files: [b, b] }, { kind: 'target' }, { kind: 'rejected' }];
  const pagesUnder = async (conflictPolicy: string) => {
    await value('preview.summary', { previewId: 'p1', conflictPolicy });
    const pages: Record<string, ConflictPage> = {};
    for (const filter of filters) pages[JSON.stringify(filter)] = await value<ConflictPage>('preview.conflicts', { previewId: 'p1', ...filter, limit: 100 });
    return pages;
  };
  const fixture = portable({ summaries: { last, first }, pages: { last: await pagesUnder('last'), first: await pagesUnder('first') }});
  if (process.env.UPDATE_FIXTURES) await writeFile(fixturePath, `${JSON.stringify(fixture, null, 2)}\n`);
  expect(fixture).toEqual(JSON.parse(await readFile(fixturePath, 'utf8')));

  await value('preview.close', { previewId: 'p1' });
  const closed = await app.dispatch('preview.conflicts', { previewId: 'p1' });
  expect(closed).toMatchObject({ ok: false, error: { message: 'Preview p1 is not open' } });
  // Only the target and Keyload's manifest are left: the staging and rejects tables are dropped.
  const left = await db.query<{ name: string }>("SELECT schemaname || '.' || tablename AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1");
  expect(left.map((row) => row.name)).toEqual(['public.orders']);
});

test('a file the user did not choose is refused before anything is staged', async () => {
  const reply = await app.dispatch('preview.open', { previewId: 'p2', connectionId: 'local', options: { files: ['/etc/passwd'], table: 'orders' } });
  expect(reply).toMatchObject({ ok: false, error: { code: 'KEYLOAD_FORBIDDEN' } });
});
