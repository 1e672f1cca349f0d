// A run's report in the app: written by the run itself (runs/<run id>/report.json), given to History
// by runs.report, and downloaded from the web host in each format. A run of the keyload command line
// with the same data directory shows in the app's history with its report.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { useWebHost } from '../../../test/web-host-harness.ts';
import { reportValidator } from '../../../test/report-validator.ts';
import type { RunDetail, RunSummary } from '../../shared/ipc/contract.ts';
import type { RunReport } from '../../shared/report-types.ts';
import { createApp } from '../app/app.ts';

const w = useWebHost('keyload-report-web-');
const fixturePath = new URL('../../renderer/test/report-fixture.json', import.meta.url);

async function value<T>(reply: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const answer = await reply;
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.value as T;
}

test('an app run writes its report; History reads it and the web host downloads it in every format', async () => {
  await w.db.query('CREATE TABLE orders (id int PRIMARY KEY, amount numeric)');
  await w.db.query('INSERT INTO orders VALUES (1, 10)');
  const a = join(w.dir, 'orders-a.csv');
  const b = join(w.dir, 'orders-b.csv');
  await writeFile(a, 'id,amount\n1,11\n2,20\n3,oops\n');
  await writeFile(b, 'id,amount\n2,21\n4,40\n');
  w.app.chooseFiles([a, b]);
  const finished = new Promise<string>((resolve) => w.app.events.on('run.finished', ({ runId }) => resolve(runId)));
  const { runId } = await value<{ runId: string }>(w.app.dispatch('runs.start', { connectionId: 'local', options: { files: [a, b], table: 'orders', concurrency: 2 } }));
  expect(await finished).toBe(runId);

  const detail = await value<RunDetail>(w.app.dispatch('runs.get', { runId }));
  const report = await value<RunReport>(w.app.dispatch('runs.report', { runId }));
  // One name for the run everywhere: the history, the engine's result and the report.
  expect([detail.result?.runId, report.runId]).toEqual([runId, runId]);
  const validate = await reportValidator();
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  expect(report).toMatchObject({ ...detail.result, source: 'app', settings: { key: ['id'], conflictPolicy: 'last', order: 'given' } });
  expect(report.settings.connection).toMatch(/^Local database \(postgres@127\.0\.0\.1:\d+\/\w+\)$/);
  // Key 2 is in both files: written once, from b; a's row is superseded.
  expect(report.totals).toMatchObject({ read: 5, inserted: 2, updated: 1, superseded: 1, rejected: 1 });
  expect(report.rejects).toEqual([expect.objectContaining({ file: a, count: 1 })]);
  expect(report.files.map((f) => f.stages.length > 0)).toEqual([true, true]);
  // The renderer's tests show this real report; a stale fixture (the schema moved on) fails here.
  if (process.env.UPDATE_FIXTURES) await writeFile(fixturePath, `${JSON.stringify(report, null, 2)}\n`);
  expect(validate(JSON.parse(await readFile(fixturePath, 'utf8'))), 'UPDATE_FIXTURES=1 rewrites the fixture').toBe(true);

  const download = (params: Record<string, string>) => fetch(`${w.host.url}/api/download/report?${new URLSearchParams({ ...params, token: w.host.token })}`);
  const types = { html: 'text/html; charset=utf-8', json: 'application/json; charset=utf-8', csv: 'text/csv; charset=utf-8', md: 'text/markdown; charset=utf-8' };
  for (const [format, type] of Object.entries(types)) {
    const answer = await download({ runId, format });
    const name = `keyload-run-${runId.slice(0, 8)}.${format}`;
    expect([answer.status, answer.headers.get('content-type'), answer.headers.get('content-disposition')]).toEqual([200, type, `attachment; filename="${name}"; filename*=UTF-8''${name}`]);
    const text = await answer.text();
    if (format === 'json') expect(JSON.parse(text)).toEqual(report);
    if (format === 'html') expect(text).toMatch(/Content-Security-Policy" content="default-src 'none'[\s\S]*class="span reading"/);
    if (format === 'csv') expect(text.split('\r\n')).toHaveLength(4); // header, two files, the final line end
    if (format === 'md') expect(text).toContain(`# Keyload run ${runId}`);
  }
  expect((await download({ runId, format: 'pdf' })).status).toBe(404);
  expect((await download({ runId: 'no-such-run', format: 'html' })).status).toBe(404);
  // Saving needs the desktop app's dialog: the web host says to download instead.
  expect(await w.app.dispatch('runs.saveReport', { runId, format: 'html' })).toMatchObject({ ok: false, error: { code: 'KEYLOAD_USAGE' } });
});

test('a run of the keyload command line shows in the app, with its report', async () => {
  await w.db.query('CREATE TABLE cli_seen (id int PRIMARY KEY, v text)');
  const file = join(w.dir, 'cli-seen.csv');
  await writeFile(file, 'id,v\n1,a\n');
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/keyload.js', 'load', '--dsn', w.db.url, '--table', 'cli_seen', '--json', file], {
    env: { PATH: process.env.PATH ?? '', KEYLOAD_HOME: w.dataDir },
  });
  const { runId } = JSON.parse(stdout) as { runId: string };
  const runs = await value<RunSummary[]>(w.app.dispatch('runs.list', { search: 'cli_seen' }));
  expect(runs).toEqual([expect.objectContaining({ runId, source: 'cli', status: 'loaded', table: 'cli_seen' })]);
  expect(await value<RunReport>(w.app.dispatch('runs.report', { runId }))).toMatchObject({ runId, source: 'cli', totals: expect.objectContaining({ inserted: 1 }) });
  // The app has no connection for a CLI run's server: it points to keyload undo instead.
  expect(await w.app.dispatch('runs.undo', { runId, dryRun: true })).toMatchObject({ ok: false, error: { code: 'KEYLOAD_USAGE', message: expect.stringContaining(`keyload undo ${runId}`) } });
});

test('in the desktop app, runs.saveReport renders the chosen format and hands that file to the save dialog', async () => {
  const offered: string[] = [];
  const desktop = createApp({
    dataDir: w.dataDir,
    host: 'electron',
    secrets: null,
    localDbUrl: async () => w.db.url,
    fileActions: { reveal: () => {}, saveCopy: async (path) => (offered.push(path), '/home/me/report.md') },
  });
  try {
    const [run] = await value<RunSummary[]>(desktop.dispatch('runs.list', { search: 'orders' }));
    if (!run) throw new Error('the first test ran no load');
    expect(await value<{ savedTo: string | null }>(desktop.dispatch('runs.saveReport', { runId: run.runId, format: 'md' }))).toEqual({ savedTo: '/home/me/report.md' });
    expect(offered).toEqual([join(w.dataDir, 'runs', run.runId, `keyload-run-${run.runId.slice(0, 8)}.md`)]);
    expect(await readFile(offered[0] ?? '', 'utf8')).toContain(`# Keyload run ${run.runId}`);
    expect(await desktop.dispatch('runs.saveReport', { runId: run.runId, format: 'pdf' })).toMatchObject({ ok: false, error: { code: 'KEYLOAD_USAGE' } });
  } finally {
    await desktop.close();
  }
});
