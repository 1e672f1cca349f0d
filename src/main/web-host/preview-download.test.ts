// The browser's "Export conflicts": an open preview's conflicts as a CSV download from the web host,
// formula-escaped; nothing for a preview that is not open.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/database.ts';
import { createApp, type App } from '../app/app.ts';
import { startWebHost, type WebHost } from './web-host.ts';

let db: TestDatabase;
let app: App;
let host: WebHost;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'keyload-preview-web-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Keyload</title>');
  app = createApp({ dataDir: join(dir, 'keyload'), host: 'web', secrets: null, localDbUrl: async () => db.url });
  host = await startWebHost(app, join(dir, 'renderer'));
});
afterAll(async () => {
  await host.close();
  await app.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

test('an open preview downloads as CSV with formulas escaped; another preview id gets a 404', async () => {
  await db.query('CREATE TABLE notes (id int PRIMARY KEY, note text)');
  await db.query(`INSERT INTO notes VALUES (1, 'kept')`);
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  await writeFile(a, 'id,note\n1,=HYPERLINK("x")\n2,plain\n');
  await writeFile(b, 'id,note\n2,-12.5\n');
  app.chooseFiles([a, b]);
  const opened = await app.dispatch('preview.open', { previewId: 'web-1', connectionId: 'local', options: { files: [a, b], table: 'notes' } });
  expect(opened.ok).toBe(true);

  const download = (previewId: string) => fetch(`${host.url}/api/download/preview-conflicts?${new URLSearchParams({ previewId, token: host.token })}`);
  const answer = await download('web-1');
  expect([answer.status, answer.headers.get('content-type'), answer.headers.get('content-disposition')]).toEqual([200, 'text/csv; charset=utf-8', 'attachment; filename="conflicts.csv"; filename*=UTF-8\'\'conflicts.csv']);
  const lines = (await answer.text()).trim().split('\n');
  expect(lines).toEqual([
    'kind,key,source,file,line,wins,id,note',
    `cross-file,2,file,${a},3,,2,plain`,
    `cross-file,2,file,${b},2,yes,2,-12.5`,
    'target,1,table,,,,1,kept',
    `target,1,file,${a},2,yes,1,"'=HYPERLINK(""x"")"`,
  ]);
  expect((await download('web-2')).status).toBe(404);
  await app.dispatch('preview.close', { previewId: 'web-1' });
  expect((await download('web-1')).status).toBe(404);
});
