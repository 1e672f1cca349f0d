// Which paths count as chosen: the files themselves, anything under a chosen folder (with ".." folded
// before deciding), and files of past runs; nothing else.
import fc from 'fast-check';
import { join, resolve, sep } from 'node:path';
import { expect, test } from 'vitest';
import { RunHistory } from '../store/run-history.ts';
import { openTempDatabase } from '../store/test-database.ts';
import { ChosenFiles } from './chosen-files.ts';

test('a chosen file, and everything under a chosen folder, but not its neighbours or parents', () => {
  const chosen = new ChosenFiles();
  chosen.add('/data/drop/orders.csv');
  chosen.add('/data/exports/');
  expect(chosen.has('/data/drop/orders.csv')).toBe(true);
  expect(chosen.has('/data/exports/2025/q1.parquet')).toBe(true);
  expect(chosen.has('/data/drop/orders.csv.bak')).toBe(false);
  expect(chosen.has('/data/drop')).toBe(false);
  expect(chosen.has('/data/exports-old/a.csv')).toBe(false);
  expect(chosen.has('/data/exports/../secret.csv')).toBe(false);
  expect(chosen.has('/')).toBe(false);
  expect(() => chosen.check(['/data/drop/orders.csv', '/etc/shadow'])).toThrow(expect.objectContaining({ code: 'KEYLOAD_FORBIDDEN', message: '/etc/shadow was not chosen in this session, so Keyload does not read it' }) as Error);
});

test('a path is chosen exactly when, with ".." folded, it is the chosen folder or lies under it', () => {
  const segment = fc.constantFrom('a', 'b', '..', '.', 'drop', 'x.csv');
  fc.assert(
    fc.property(fc.array(segment, { maxLength: 4 }), fc.array(segment, { maxLength: 6 }), (folderParts, pathParts) => {
      const folder = resolve('/root-of-test', ...folderParts);
      const path = join('/root-of-test', ...pathParts);
      const chosen = new ChosenFiles();
      chosen.add(folder);
      const inside = resolve(path) === folder || resolve(path).startsWith(folder === sep ? sep : `${folder}${sep}`);
      expect(chosen.has(path)).toBe(inside);
    }),
    { numRuns: 2000 },
  );
});

test("a past run's files stay readable in a later session (Run again); others do not", () => {
  const history = new RunHistory(openTempDatabase());
  const files = ['/data/a.csv', '/data/b.csv'];
  history.start({ runId: 'r1', source: 'app', pid: process.pid, connectionId: 'local', connectionName: 'Local', table: 't', mode: 'upsert', files, options: { files, table: 't' }, reportDir: '/r', startedAt: new Date().toISOString() });
  const later = new ChosenFiles((path) => history.hasFile(path));
  expect(() => later.check(files)).not.toThrow();
  expect(later.has('/data/c.csv')).toBe(false);
});
