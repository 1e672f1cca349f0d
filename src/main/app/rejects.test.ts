// The rejects viewer's main side: only a run's own rejects files are read, and they read back as written.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ErrorCodes } from '../../shared/errors.ts';
import type { LoadResult } from '../../shared/load-types.ts';
import { RejectsFile, type RejectedRow } from '../engine/load/stage/rejects-file.ts';
import { RunHistory } from '../store/run-history.ts';
import { openTempDatabase } from '../store/test-database.ts';
import type { FileActions } from './file-actions.ts';
import { rejectsHandlers } from './handlers/rejects.ts';
import { readRejectsFile } from '../engine/index.ts';
import { rejectsFileOf } from './rejects.ts';

async function runWithRejects(rows: RejectedRow[]): Promise<{ history: RunHistory; runId: string; path: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'keyload-rejects-'));
  const rejects = new RejectsFile(join(dir, 'runs', 'run-1'), '/data/orders.csv', 0, ['id', 'amount', 'note']);
  await rejects.write(rows);
  await rejects.close();
  const history = new RunHistory(openTempDatabase());
  const runId = 'run-1';
  const counts = { read: rows.length, inserted: 0, updated: 0, unchanged: 0, collapsed: 0, superseded: 0, rejected: rows.length };
  history.start({ runId, source: 'app', pid: process.pid, connectionId: 'local', connectionName: 'Local', table: 'orders', mode: 'upsert', files: ['/data/orders.csv'], options: { files: ['/data/orders.csv'], table: 'orders' }, reportDir: join(dir, 'runs', runId), startedAt: new Date().toISOString() });
  const result: LoadResult = {
    runId, table: 'public.orders', mode: 'upsert', dryRun: false, createdTable: false,
    files: [{ path: '/data/orders.csv', sha256: null, status: 'loaded', counts, rejectsFile: rejects.path, seconds: 1 }],
    totals: counts, seconds: 1, concurrency: 1, internalConcurrency: 1, pool: null, exitCode: 3,
  };
  history.finish(runId, { status: 'loaded with rejects', result, error: null, finishedAt: new Date().toISOString() });
  return { history, runId, path: rejects.path, dir };
}

const tricky: RejectedRow[] = [
  { line: 2, column: 'amount', reason: 'invalid input syntax for type integer: "1,5"', values: ['1', '1,5', 'say "hi"'] },
  { line: 3, column: null, reason: 'row has 2 values, expected 3', values: ['2', null, ''] },
  { line: 5, column: 'note', reason: 'value too long', values: ['3', '7', 'two\nlines'] },
];

test('a rejects file reads back as the engine wrote it: header, values with quotes, commas, newlines, NULL and empty', async () => {
  const { path } = await runWithRejects(tricky);
  const page = await readRejectsFile(path);
  expect(page.columns).toEqual(['line', 'column', 'reason', 'id', 'amount', 'note']);
  expect(page.rows).toEqual(tricky.map((row) => [String(row.line), row.column, row.reason, ...row.values]));
  expect(page).toMatchObject({ total: 3, truncated: false, path });
});

test('only the first 1,000 rows are returned, with the total of the whole file', async () => {
  const rows = Array.from({ length: 1_234 }, (_, i): RejectedRow => ({ line: i + 2, column: 'id', reason: 'bad', values: [`x${i}`, '1', 'n'] }));
  const { path } = await runWithRejects(rows);
  const page = await readRejectsFile(path);
  expect(page.rows).toHaveLength(1_000);
  expect(page.rows.at(-1)?.[0]).toBe('1001');
  expect(page).toMatchObject({ total: 1_234, truncated: true });
});

test('only a rejects file of that very run is accepted: no other file, no other run, no look-alike path', async () => {
  const { history, runId, path, dir } = await runWithRejects(tricky);
  expect(rejectsFileOf(history, runId, path)).toBe(path);
  const other = join(dir, 'secret.csv');
  await writeFile(other, 'password\nhunter2\n');
  for (const candidate of [other, '/etc/passwd', `${path}/../../secret.csv`, join(dir, 'runs', 'run-1', '..', '..', 'secret.csv'), `${path} `]) {
    expect(() => rejectsFileOf(history, runId, candidate)).toThrow(/is not a rejects file of this run/);
  }
  expect(() => rejectsFileOf(history, 'another-run', path)).toThrow(/no run another-run/);

  const handlers = rejectsHandlers(history, null);
  await expect(handlers['runs.rejects']({ runId, path: other })).rejects.toMatchObject({ code: ErrorCodes.usage });
  await expect(handlers['runs.rejects']({ runId, path })).resolves.toMatchObject({ total: 3 });
});

test('reveal and save need the desktop capability, and get only the checked path', async () => {
  const { history, runId, path } = await runWithRejects(tricky);
  await expect(rejectsHandlers(history, null)['runs.revealRejects']({ runId, path })).rejects.toThrow(/desktop app/);
  const used: string[] = [];
  const desktop: FileActions = { reveal: (file) => void used.push(`reveal ${file}`), saveCopy: async (file) => (used.push(`save ${file}`), '/home/me/copy.csv') };
  const handlers = rejectsHandlers(history, desktop);
  await handlers['runs.revealRejects']({ runId, path });
  await expect(handlers['runs.saveRejects']({ runId, path })).resolves.toEqual({ savedTo: '/home/me/copy.csv' });
  await expect(handlers['runs.saveRejects']({ runId, path: '/etc/passwd' })).rejects.toThrow(/not a rejects file/);
  expect(used).toEqual([`reveal ${path}`, `save ${path}`]);
});
