// The browser's "Export conflicts": an open preview's conflicts as a CSV download from the web host,
// formula-escaped; nothing for a preview that is not open.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { useWebHost } from '../../../test/web-host-harness.ts';

const w = useWebHost('keyload-preview-web-');

test('an open preview downloads as CSV with formulas escaped; another preview id gets a 404', async () => {
  await w.db.query('CREATE TABLE notes (id int PRIMARY KEY, note text)');
  await w.db.query(`INSERT INTO notes VALUES (1, 'kept')`);
  const a = join(w.dir, 'a.csv');
  const b = join(w.dir, 'b.csv');
  await writeFile(a, 'id,note\n1,=HYPERLINK("x")\n2,plain\n');
  await writeFile(b, 'id,note\n2,-12.5\n');
  w.app.chooseFiles([a, b]);
  const opened = await w.app.dispatch('preview.open', { previewId: 'web-1', connectionId: 'local', options: { files: [a, b], table: 'notes' } });
  expect(opened.ok).toBe(true);

  const download = (previewId: string) => fetch(`${w.host.url}/api/download/preview-conflicts?${new URLSearchParams({ previewId, token: w.host.token })}`);
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
  await w.app.dispatch('preview.close', { previewId: 'web-1' });
  expect((await download('web-1')).status).toBe(404);
});
