// `keyload preview` as a process: JSON shape, conflicts CSV, and bounded memory.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/database.ts';
import type { PreviewSummary, ConflictPage } from '../../shared/preview-types.ts';

const run = promisify(execFile);
let db: TestDatabase;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'keyload-preview-cli-'));
});
afterAll(() => db.drop());

function keyload(args: string[], nodeOptions: string[] = []) {
  return run(process.execPath, [...nodeOptions, 'bin/keyload.js', 'preview', '--dsn', db.url, ...args], {
    env: { PATH: process.env.PATH ?? '', KEYLOAD_HOME: dir },
    maxBuffer: 64 << 20,
  });
}

test('--json prints the documented shape and --conflicts-csv lists every version of every conflicting key', async () => {
  await db.query('CREATE TABLE pc (id int PRIMARY KEY, v text)');
  await db.query(`INSERT INTO pc VALUES (1, 'stored')`);
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  await writeFile(a, 'id,v\n1,a1\n2,a2\n2,a2-again\n');
  await writeFile(b, 'id,v\n2,b2\n3,b3\n');
  const csv = join(dir, 'conflicts.csv');
  const { stdout, stderr } = await keyload(['--table', 'pc', '--json', '--conflicts-csv', csv, a, b]);
  const result = JSON.parse(stdout) as PreviewSummary & { samples: ConflictPage };
  expect(Object.keys(result).sort()).toEqual(
    ['crossFile', 'files', 'key', 'mode', 'order', 'overlap', 'policy', 'runId', 'samples', 'seconds', 'table', 'target', 'totals'].sort(),
  );
  // Key 2 is b's (loaded last): a's row for it is superseded, not written.
  expect(result.totals).toMatchObject({ read: 5, inserted: 2, updated: 1, unchanged: 0, collapsed: 1, superseded: 1, rejected: 0 });
  expect(result.overlap).toEqual([
    [2, 1],
    [1, 2],
  ]);
  expect(result.samples.total).toBe(2);
  expect(stderr).toContain('nothing was written');
  const lines = (await readFile(csv, 'utf8')).trim().split('\n');
  expect(lines[0]).toBe('kind,key,source,file,line,wins,id,v');
  expect(lines.filter((l) => l.startsWith('cross-file,2,'))).toEqual([
    `cross-file,2,file,${a},3,,2,a2`,
    `cross-file,2,file,${a},4,,2,a2-again`,
    `cross-file,2,file,${b},2,yes,2,b2`,
  ]);
  expect(lines.filter((l) => l.startsWith('target,1,'))).toEqual(['target,1,table,,,,1,stored', `target,1,file,${a},2,yes,1,a1`]);
  expect(await db.query('SELECT * FROM pc')).toEqual([{ id: 1, v: 'stored' }]);
});

test('--conflicts-csv keeps NULL and the empty string apart and defuses formulas for spreadsheets', async () => {
  await db.query('CREATE TABLE pn (id int PRIMARY KEY, v text, w text)');
  const a = join(dir, 'nulls.csv');
  await writeFile(a, 'id,v,w\n1,,""\n1,=1+1,-5\n');
  const csv = join(dir, 'nulls-conflicts.csv');
  await keyload(['--table', 'pn', '--conflicts-csv', csv, a]);
  expect((await readFile(csv, 'utf8')).split('\n')).toEqual([
    'kind,key,source,file,line,wins,id,v,w',
    `duplicate,1,file,${a},2,,1,,""`,
    `duplicate,1,file,${a},3,yes,1,'=1+1,-5`,
    '',
  ]);
});

test('a file set far larger than a 64 MB JavaScript heap could hold as keys previews fine', { timeout: 300_000 }, async () => {
  await db.query('CREATE TABLE big (id bigint PRIMARY KEY, v int)');
  const files: string[] = [];
  for (let f = 0; f < 4; f++) {
    const path = join(dir, `big-${f}.csv`);
    const out = createWriteStream(path);
    out.write('id,v\n');
    for (let start = 0; start < 500_000; start += 10_000) {
      let chunk = '';
      for (let i = start; i < start + 10_000; i++) chunk += `${f * 250_000 + i},${f}\n`;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    files.push(path);
  }
  const { stdout } = await keyload(['--table', 'big', '--json', ...files], ['--max-old-space-size=64']);
  const result = JSON.parse(stdout) as PreviewSummary;
  expect(result.totals.read).toBe(2_000_000);
  expect(result.totals.inserted).toBe(1_250_000);
  // Each overlap's keys are written once, by the later file: the earlier file's rows are superseded.
  expect(result.totals.updated).toBe(0);
  expect(result.totals.superseded).toBe(750_000);
  expect(result.overlap[0]?.[1]).toBe(250_000);
});
