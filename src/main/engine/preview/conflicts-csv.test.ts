import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ConflictEntry } from '../../../shared/preview-types.ts';
import { writeConflictsCsv, type ConflictSource } from './conflicts-csv.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyload-conflicts-csv-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function source(entries: ConflictEntry[]): ConflictSource {
  return {
    valueColumns: ['id', 'note', 'meta'],
    async *allConflicts() {
      yield* entries;
    },
  };
}

test('writes the stored row first, NULL apart from "", JSON values as JSON, formulas defused', async () => {
  const path = join(dir, 'conflicts.csv');
  const keys = await writeConflictsCsv(
    source([
      {
        kind: 'target',
        key: { id: 7 },
        columns: ['note'],
        stored: { note: null, meta: { a: 1 } },
        versions: [
          { file: '/in/a.csv', line: 2, values: { id: 7, note: '', meta: null }, winner: false },
          { file: '/in/b.csv', line: 9, values: { id: 7, note: '@home, "x"', meta: [1, 2] }, winner: true },
        ],
      },
      { kind: 'duplicate', key: { id: 8 }, columns: ['note'], stored: null, versions: [{ file: '/in/a.csv', line: 3, values: { id: 8, note: '-4' }, winner: false }] },
    ]),
    path,
  );
  expect(keys).toBe(2);
  expect((await readFile(path, 'utf8')).split('\n')).toEqual([
    'kind,key,source,file,line,wins,id,note,meta',
    'target,7,table,,,,7,,"{""a"":1}"',
    'target,7,file,/in/a.csv,2,,7,"",',
    `target,7,file,/in/b.csv,9,yes,7,"'@home, ""x""","[1,2]"`,
    'duplicate,8,file,/in/a.csv,3,,8,-4,',
    '',
  ]);
});

test('marks the stored row as winning when no file version wins', async () => {
  const path = join(dir, 'kept.csv');
  await writeConflictsCsv(
    source([{ kind: 'target', key: { id: 1 }, columns: ['note'], stored: { note: 'old' }, versions: [{ file: '/in/a.csv', line: 2, values: { id: 1, note: 'new' }, winner: false }] }]),
    path,
  );
  expect((await readFile(path, 'utf8')).split('\n').slice(1, 3)).toEqual(['target,1,table,,,yes,1,old,', 'target,1,file,/in/a.csv,2,,1,new,']);
});
