// The real `keyload` command in a child process: exit codes, JSON output, masking, summaries.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/database.ts';
import type { RunSummary } from '../../shared/ipc/contract.ts';
import type { LoadResult } from '../../shared/load-types.ts';
import type { RunReport } from '../../shared/report-types.ts';
import { reportValidator } from '../../../test/report-validator.ts';

const run = promisify(execFile);
let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'keyload-cli-'));
});
afterAll(() => db.drop());

async function keyload(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/keyload.js', ...args], {
      env: { PATH: process.env.PATH ?? '', KEYLOAD_HOME: dir, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('a clean load exits 0 and --json prints the result; the password never appears', async () => {
  await db.query('CREATE TABLE cli_ok (id int PRIMARY KEY, v text)');
  const path = join(dir, 'ok.csv');
  await writeFile(path, 'id,v\n1,a\n2,b\n');
  const out = await keyload(['load', '--dsn', db.url, '--table', 'cli_ok', '--json', path]);
  expect(out.code).toBe(0);
  const result = JSON.parse(out.stdout) as LoadResult;
  expect(result.totals).toMatchObject({ read: 2, inserted: 2 });
  expect(out.stderr).toMatch(/ok\.csv\s+loaded\s+2\s+2\s+0\s+0\s+0\s+0/);
  const password = new URL(db.url).password;
  expect(password.length).toBeGreaterThan(0);
  expect(out.stderr + out.stdout).not.toContain(`:${password}@`);
  expect(out.stderr).toMatch(/^Target: postgres@127\.0\.0\.1:\d+\/\w+ \(dsn\)$/m);
});

test('rejected rows exit 3 and a gzip, cp1252, semicolon file is read correctly', async () => {
  await db.query('CREATE TABLE cli_bad (id int PRIMARY KEY, city text)');
  const text = 'id;city\r\n1;Zürich\r\n2;Besançon\r\nnope;Köln\r\n';
  const path = join(dir, 'latin.csv.gz');
  await writeFile(path, gzipSync(Buffer.from(text, 'latin1')));
  const out = await keyload(['load', '--dsn', db.url, '--table', 'cli_bad', path]);
  expect(out.code).toBe(3);
  expect(await db.query('SELECT id, city FROM cli_bad ORDER BY id')).toEqual([
    { id: 1, city: 'Zürich' },
    { id: 2, city: 'Besançon' },
  ]);
  expect(out.stderr).toMatch(/rejects: .*latin\.csv\.gz\.rejects\.csv/);
});

test('a failed file exits 1 with a one-line error naming the file, and no stack trace', async () => {
  await db.query('CREATE TABLE cli_fail (id int PRIMARY KEY)');
  const path = join(dir, 'fake.parquet');
  await writeFile(path, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(100, 7)]));
  const out = await keyload(['load', '--dsn', db.url, '--table', 'cli_fail', path]);
  expect(out.code).toBe(1);
  expect(out.stderr).toMatch(new RegExp(`error: ${path}.*(corrupt|truncated)`, 'i'));
  expect(out.stderr).not.toMatch(/\n\s+at /);
});

test('usage errors exit 2 and say what is wrong', async () => {
  const missing = await keyload(['load', 'x.csv']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain('--table is required');
  const badMode = await keyload(['load', '--table', 't', '--mode', 'merge', 'x.csv']);
  expect(badMode.code).toBe(2);
  expect(badMode.stderr).toContain('--mode must be one of');
  expect((await keyload(['frobnicate'])).code).toBe(2);
});

test('a missing table is a failure (exit 1) with a hint, and the DSN password is masked', async () => {
  const path = join(dir, 'nt.csv');
  await writeFile(path, 'id\n1\n');
  const out = await keyload(['load', '--table', 'no_such_table', path], { DATABASE_URL: db.url });
  expect(out.code).toBe(1);
  expect(out.stderr).toContain('does not exist');
  expect(out.stderr).toContain('--create-table');
  expect(out.stderr).toContain('(DATABASE_URL)');
});

test('a file that fails after committing rows exits 1 as partly loaded, and empty files are skipped as empty', async () => {
  // About 500 rows per merge unit (two partitions): the first unit commits, the second fails.
  await db.query(`CREATE TABLE cli_partly (id int PRIMARY KEY, v text);
    CREATE SEQUENCE cli_partly_rows;
    CREATE FUNCTION cli_partly_fail() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('cli_partly_rows') > 700 THEN RAISE EXCEPTION 'disk quota reached'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER cli_partly_fail BEFORE INSERT ON cli_partly FOR EACH ROW EXECUTE FUNCTION cli_partly_fail();`);
  const path = join(dir, 'partly.csv');
  await writeFile(path, `id,v\n${Array.from({ length: 1000 }, (_, i) => `${i},v${i}`).join('\n')}\n`);
  const empty = join(dir, 'empty.csv');
  await writeFile(empty, '');
  const out = await keyload(['load', '--dsn', db.url, '--table', 'cli_partly', '--batch-size', '100', '--concurrency', '1', '--internal-concurrency', '1', '--json', path, empty]);
  expect(out.code).toBe(1);
  const committed = (await db.query<{ n: string }>('SELECT count(*) AS n FROM cli_partly'))[0]?.n;
  const result = JSON.parse(out.stdout) as LoadResult;
  expect(result.files.map((f) => [f.status, f.committedRows, f.skipReason])).toEqual([
    ['partly-loaded', Number(committed), undefined],
    ['skipped', undefined, 'empty file: nothing to load'],
  ]);
  expect(out.stderr).toContain(`partly loaded: ${committed} rows committed; a re-run resumes`);
  expect(out.stderr).toContain('skipped: empty file: nothing to load');
  expect(out.stderr).toMatch(/error: .*partly\.csv: disk quota reached/);
});

test('--report writes the run in each format its extension names; an unknown extension is a usage error before anything runs', async () => {
  await db.query('CREATE TABLE cli_report (id int PRIMARY KEY, v text)');
  await db.query("INSERT INTO cli_report VALUES (1, 'old'), (2, 'b')");
  const path = join(dir, 'report-me.csv');
  await writeFile(path, 'id,v\n1,new\n2,b\n3,c\nx,bad\n');
  const out = join(dir, 'reports');
  const reports = ['run.html', 'run.json', 'run.csv', 'run.md'].map((name) => join(out, name));
  const loaded = await keyload(['load', '--dsn', db.url, '--table', 'cli_report', '--json', ...reports.flatMap((r) => ['--report', r]), path]);
  expect(loaded.code).toBe(3);
  const result = JSON.parse(loaded.stdout) as LoadResult;
  const [html, json, csv, md] = await Promise.all(reports.map((r) => readFile(r, 'utf8')));

  const report = JSON.parse(json ?? '') as RunReport;
  const validate = await reportValidator();
  expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  // --json prints a subset of the report: every field of the result, with the same value.
  expect(report).toMatchObject(result);
  expect(report).toMatchObject({ schemaVersion: 1, source: 'cli', exitCode: 3, table: 'public.cli_report', mode: 'upsert' });
  expect(report.totals).toMatchObject({ read: 4, inserted: 1, updated: 1, unchanged: 1, rejected: 1 });
  expect(report.settings).toMatchObject({ key: ['id'], conflictPolicy: 'last', order: 'given' });
  expect(report.files[0]?.sizeBytes).toBe(Buffer.byteLength('id,v\n1,new\n2,b\n3,c\nx,bad\n'));
  expect(report.files[0]?.stages.map((s) => s.stage)).toEqual(expect.arrayContaining(['reading', 'staging', 'merging']));
  // The rejected row is quoted, after the rejects file's header.
  expect(report.rejects).toEqual([expect.objectContaining({ file: path, rejectsFile: result.files[0]?.rejectsFile, count: 1 })]);
  expect(report.rejects[0]?.firstRows[1]).toEqual(expect.arrayContaining(['x', 'bad']));
  // The run's own report.json is the same document.
  expect(JSON.parse(await readFile(join(dir, 'runs', result.runId, 'report.json'), 'utf8'))).toEqual(report);

  const rows = (csv ?? '').trimEnd().split('\r\n');
  expect(rows[0]).toMatch(/^path,format,size_bytes,read,inserted,updated,unchanged,superseded,duplicates,rejected,/);
  // read 4, inserted 1, updated 1, unchanged 1, superseded 0, duplicates 0, rejected 1
  expect(rows.slice(1)).toEqual([expect.stringMatching(new RegExp(`^${path},"CSV, [^"]*",\\d+,4,1,1,1,0,0,1,`))]);
  expect(md).toContain(result.runId);
  expect(html).toContain("default-src 'none'");
  expect(html).toContain(result.runId);
  const password = new URL(db.url).password;
  for (const text of [html, json, csv, md]) expect(text).not.toContain(`:${password}@`);
  expect(report.settings.connection).toMatch(/^postgres@127\.0\.0\.1:\d+\/\w+$/);

  const refused = await keyload(['load', '--dsn', db.url, '--table', 'cli_report', '--report', join(out, 'run.pdf'), path]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/--report .*run\.pdf: the format comes from the extension/);
  expect(await db.query('SELECT v FROM cli_report WHERE id = 1')).toEqual([{ v: 'new' }]);
});

test('keyload history lists the runs of the CLI, and keyload report renders any of them in every format', async () => {
  await db.query('CREATE TABLE cli_history (id int PRIMARY KEY, v text)');
  const path = join(dir, 'history-me.csv');
  await writeFile(path, 'id,v\n1,a\n2,b\n');
  const loaded = await keyload(['load', '--dsn', db.url, '--table', 'cli_history', '--json', path]);
  expect(loaded.code).toBe(0);
  const { runId } = JSON.parse(loaded.stdout) as LoadResult;
  // A dry run writes nothing and stays out of the history.
  expect((await keyload(['load', '--dsn', db.url, '--table', 'cli_history', '--dry-run', path])).code).toBe(0);

  const listed = await keyload(['history', '--json', '--limit', '50']);
  expect(listed.code).toBe(0);
  const runs = JSON.parse(listed.stdout) as RunSummary[];
  expect(runs[0]).toMatchObject({ runId, source: 'cli', status: 'loaded', table: 'cli_history', mode: 'upsert', files: 1, totals: expect.objectContaining({ inserted: 2 }) });
  expect(runs[0]?.connectionName).toMatch(/^postgres@127\.0\.0\.1:\d+\/\w+$/);
  // Newest first, and every earlier load of this file's tests is there (none of them dry runs).
  expect(runs.map((r) => r.startedAt)).toEqual([...runs.map((r) => r.startedAt)].sort().reverse());
  const table = await keyload(['history', '--limit', '1', '--search', 'cli_history']);
  expect(table.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^started \(UTC\)\s+status\s+from/), expect.stringMatching(new RegExp(`loaded\\s+cli\\s+cli_history\\s+upsert\\s+1\\s+\\+2 ~0.*${runId}$`))]);

  const md = await keyload(['report', 'last']);
  expect(md.code).toBe(0);
  expect(md.stdout).toContain(`# Keyload run ${runId}`);
  const json = await keyload(['report', runId.slice(0, 8), '--format', 'json']);
  const report = JSON.parse(json.stdout) as RunReport;
  expect(report).toMatchObject({ runId, source: 'cli', totals: expect.objectContaining({ inserted: 2 }) });
  expect((await reportValidator())(report)).toBe(true);
  const out = join(dir, 'history-report.html');
  expect((await keyload(['report', runId, '--out', out])).code).toBe(0);
  expect(await readFile(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*cli_history/);
  const csv = await keyload(['report', runId, '--format', 'csv']);
  expect(csv.stdout.split('\r\n')[1]).toMatch(new RegExp(`^${path},`));

  const missing = await keyload(['report', 'no-such-run']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/There is no run no-such-run in the history/);
  expect((await keyload(['report', runId, '--format', 'pdf'])).code).toBe(2);
});

test('keyload undo: a dry run counts, the undo puts the table back and the history says so; changed rows stop it (exit 1)', async () => {
  await db.query('CREATE TABLE cli_undo (id int PRIMARY KEY, v text)');
  await db.query("INSERT INTO cli_undo VALUES (1, 'stored'), (2, 'kept')");
  const path = join(dir, 'undo-me.csv');
  await writeFile(path, 'id,v\n1,changed\n3,new\n');
  const loaded = await keyload(['load', '--dsn', db.url, '--table', 'cli_undo', '--undo', '--json', path]);
  expect(loaded.code).toBe(0);
  const { runId } = JSON.parse(loaded.stdout) as LoadResult;

  const listed = await keyload(['undo', '--list', '--dsn', db.url]);
  expect(listed.stdout).toMatch(new RegExp(`^${runId}\\s+\\S+ \\S+\\s+public\\.cli_undo\\s+upsert\\s+complete`, 'm'));
  const dry = await keyload(['undo', runId.slice(0, 8), '--dry-run', '--dsn', db.url]);
  expect(dry.code).toBe(0);
  expect(dry.stderr).toMatch(/Undoing run \S+ into public\.cli_undo \(upsert, [^)]+\) deletes the 1 rows it inserted and puts back the 1 it updated\./);
  expect(await db.query('SELECT id, v FROM cli_undo ORDER BY id')).toEqual([{ id: 1, v: 'changed' }, { id: 2, v: 'kept' }, { id: 3, v: 'new' }]);

  await db.query("UPDATE cli_undo SET v = 'by hand' WHERE id = 3");
  const stopped = await keyload(['undo', 'last', '--dsn', db.url]);
  expect(stopped.code).toBe(1);
  expect(stopped.stderr).toContain('1 rows changed since the run:\n  id=3: now {"id":3,"v":"by hand"}; the undo would delete it (the run inserted it)');
  expect(stopped.stderr).toContain('Stopped: nothing was changed. --force restores anyway.');

  // --force deletes the key the run inserted, changed by hand or not.
  const undone = await keyload(['undo', runId, '--force', '--dsn', db.url, '--json']);
  expect(undone.code).toBe(0);
  expect(JSON.parse(undone.stdout)).toMatchObject({ done: true, toDelete: 1, toRestore: 1, conflicts: 1 });
  expect(await db.query('SELECT id, v FROM cli_undo ORDER BY id')).toEqual([{ id: 1, v: 'stored' }, { id: 2, v: 'kept' }]);
  const runs = JSON.parse((await keyload(['history', '--json', '--search', 'cli_undo'])).stdout) as RunSummary[];
  expect(runs).toEqual([expect.objectContaining({ runId, undoneAt: expect.any(String) })]);
  const again = await keyload(['undo', runId, '--dsn', db.url]);
  expect([again.code, again.stderr]).toEqual([1, expect.stringMatching(/Cannot undo run .*: Run .* was already undone/)]);
  // Without --undo, a load keeps nothing to undo.
  const plain = await keyload(['load', '--dsn', db.url, '--table', 'cli_undo', '--json', path]);
  const missing = await keyload(['undo', (JSON.parse(plain.stdout) as LoadResult).runId, '--dsn', db.url]);
  expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/has no undo state on this server: it kept none \(--undo\)/)]);
});

test('keyload run: each table of a job writes its run report and shows in the history', async () => {
  await db.query('CREATE TABLE cli_job_parent (id int PRIMARY KEY, v text)');
  await db.query('CREATE TABLE cli_job_child (id int PRIMARY KEY, parent int REFERENCES cli_job_parent (id))');
  const jobDir = join(dir, 'job');
  await mkdir(jobDir, { recursive: true });
  await writeFile(join(jobDir, 'parent.csv'), 'id,v\n1,a\n2,b\n');
  await writeFile(join(jobDir, 'child.csv'), 'id,parent\n10,1\n11,2\n');
  await writeFile(join(jobDir, 'job.yaml'), 'tables:\n  - table: cli_job_child\n    files: [child.csv]\n  - table: cli_job_parent\n    files: [parent.csv]\n');
  const ran = await keyload(['run', '--dsn', db.url, join(jobDir, 'job.yaml')]);
  expect(ran.code).toBe(0);
  const reports = [...ran.stderr.matchAll(/^report of (\S+): (.+)$/gm)].map((m) => [m[1], m[2]] as const);
  expect(reports.map(([table]) => table).sort()).toEqual(['public.cli_job_child', 'public.cli_job_parent']);
  const validate = await reportValidator();
  for (const [table, path] of reports) {
    const report = JSON.parse(await readFile(path ?? '', 'utf8')) as RunReport;
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({ table, totals: expect.objectContaining({ inserted: 2 }) });
  }
  const runs = JSON.parse((await keyload(['history', '--json', '--search', 'cli_job'])).stdout) as RunSummary[];
  expect(runs.map((r) => [r.table, r.status, r.source]).sort()).toEqual([['cli_job_child', 'loaded', 'cli'], ['cli_job_parent', 'loaded', 'cli']]);
  expect(ran.stderr).toMatch(/^job result: .*job-[0-9a-f-]+\/job\.json$/m);
});
