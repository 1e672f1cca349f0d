// Conflict pages against a real PostgreSQL: complete entries for many keys at once, and a page costs
// one statement whatever its size.
import pg from 'pg';
import { expect, test, vi } from 'vitest';
import type { ConflictEntry } from '../../../shared/preview-types.ts';
import { useTestHarness } from '../../../../test/load-harness.ts';
import { PreviewSession } from './preview-session.ts';

const t = useTestHarness();

/** Keys 1-4 in all three files and the table, each differing between files; key 5 only in `a` and the table. */
async function openFixture(table: string): Promise<{ preview: PreviewSession; a: string; b: string; c: string }> {
  await t.db.query(`CREATE TABLE ${table} (id int PRIMARY KEY, v text)`);
  await t.db.query(`INSERT INTO ${table} VALUES (1, 's1'), (2, 's2'), (3, 's3'), (4, 's4'), (5, 's5'), (6, 's6')`);
  // Named so that name order (c, b, a) is the reverse of the given order (a, b, c).
  const a = await t.h.file(`${table}-3.csv`, 'id,v\n1,a1\n2,a2\n3,a3\n4,x\n1,a1-again\n5,new5\n6,s6\n');
  const b = await t.h.file(`${table}-2.csv`, 'id,v\n2,b2\n1,b1\n4,y\n3,b3\n');
  const c = await t.h.file(`${table}-1.csv`, 'id,v\n3,c3\n4,y\n1,c1\n2,b2\n');
  const preview = await PreviewSession.open({ connectionString: t.db.url }, { files: [a, b, c], table });
  return { preview, a, b, c };
}

/** Every entry, walking pages of `limit` keys. */
async function allPages(preview: PreviewSession, limit: number): Promise<{ totals: number[]; entries: ConflictEntry[] }> {
  const totals: number[] = [];
  const entries: ConflictEntry[] = [];
  for (let offset = 0; ; offset += limit) {
    const page = await preview.conflicts({ offset, limit });
    expect(page).toMatchObject({ offset, limit });
    totals.push(page.total);
    entries.push(...page.entries);
    if (page.entries.length === 0) break;
  }
  return { totals, entries };
}

test('a page holds every version of each of its keys, in load order, with the winner and the stored row', async () => {
  const { preview, a, b, c } = await openFixture('entries');
  const version = (file: string, line: number, id: number, v: string, winner = false) => ({ file, line, values: { id, v }, winner });
  try {
    await preview.summary();
    const given = await allPages(preview, 2);
    // Key 6 equals the stored row everywhere: no conflict. The empty page after the last still knows the total.
    expect(given.totals).toEqual([5, 5, 5, 5]);
    expect(given.entries).toEqual([
      {
        kind: 'cross-file', key: { id: 1 }, columns: ['v'], stored: { id: 1, v: 's1' },
        versions: [version(a, 2, 1, 'a1'), version(a, 6, 1, 'a1-again'), version(b, 3, 1, 'b1'), version(c, 4, 1, 'c1', true)],
      },
      {
        // c, loaded last, owns the key and writes it once; b's equal row before it is superseded.
        kind: 'cross-file', key: { id: 2 }, columns: ['v'], stored: { id: 2, v: 's2' },
        versions: [version(a, 3, 2, 'a2'), version(b, 2, 2, 'b2'), version(c, 5, 2, 'b2', true)],
      },
      {
        kind: 'cross-file', key: { id: 3 }, columns: ['v'], stored: { id: 3, v: 's3' },
        versions: [version(a, 4, 3, 'a3'), version(b, 5, 3, 'b3'), version(c, 2, 3, 'c3', true)],
      },
      {
        kind: 'cross-file', key: { id: 4 }, columns: ['v'], stored: { id: 4, v: 's4' },
        versions: [version(a, 5, 4, 'x'), version(b, 4, 4, 'y'), version(c, 3, 4, 'y', true)],
      },
      { kind: 'target', key: { id: 5 }, columns: ['v'], stored: { id: 5, v: 's5' }, versions: [version(a, 7, 5, 'new5', true)] },
    ]);

    // Re-ranked by name (c, b, a): versions follow the new order and a, now loaded last, wins every key.
    await preview.summary({ order: 'name', policy: 'last' });
    const byName = (await preview.conflicts({ limit: 10 })).entries;
    expect(byName[0]?.versions).toEqual([version(c, 4, 1, 'c1'), version(b, 3, 1, 'b1'), version(a, 2, 1, 'a1'), version(a, 6, 1, 'a1-again', true)]);
    expect(byName.map((e) => e.versions.find((v) => v.winner))).toEqual([
      version(a, 6, 1, 'a1-again', true),
      version(a, 3, 2, 'a2', true),
      version(a, 4, 3, 'a3', true),
      version(a, 5, 4, 'x', true),
      version(a, 7, 5, 'new5', true),
    ]);

    // The first policy in the given order: a's first row of each key wins, its later duplicate does not.
    await preview.summary({ order: 'given', policy: 'first' });
    const first = (await preview.conflicts({ limit: 10 })).entries;
    expect(first.map((e) => e.versions.filter((v) => v.winner))).toEqual([
      [version(a, 2, 1, 'a1', true)],
      [version(a, 3, 2, 'a2', true)],
      [version(a, 4, 3, 'a3', true)],
      [version(a, 5, 4, 'x', true)],
      [version(a, 7, 5, 'new5', true)],
    ]);
  } finally {
    await preview.close();
  }
});

test('a filter lists its keys once; each page after that costs one statement, whatever its size', async () => {
  const { preview } = await openFixture('statements');
  try {
    await preview.summary();
    // Every query of every pg client goes through Client.prototype.query; only the session's runs meanwhile.
    const statementsFor = async (limit: number, kind?: 'duplicate') => {
      const query = vi.spyOn(pg.Client.prototype, 'query');
      try {
        const page = await preview.conflicts({ limit, ...(kind && { kind }) });
        return { entries: page.entries.length, statements: query.mock.calls.length };
      } finally {
        query.mockRestore();
      }
    };
    const first = await statementsFor(1);
    expect(first.entries).toBe(1);
    expect(first.statements).toBeGreaterThan(1);
    expect(await statementsFor(5)).toEqual({ entries: 5, statements: 1 });
    expect(await statementsFor(50)).toEqual({ entries: 5, statements: 1 });
    // Another filter lists its own keys; the first one's are gone.
    expect((await statementsFor(50, 'duplicate')).statements).toBeGreaterThan(1);
    expect((await statementsFor(50)).statements).toBeGreaterThan(1);
  } finally {
    await preview.close();
  }
});

test('names that need quoting reach every part of a page as data, not SQL', async () => {
  const key = 'k"ey';
  const value = "it's \\ v";
  await t.db.query(`CREATE TABLE odd ("k""ey" int PRIMARY KEY, "it's \\ v" text)`);
  await t.db.query(`INSERT INTO odd VALUES (1, 'stored')`);
  const a = await t.h.file('odd-a.csv', `"k""ey",${value}\n1,a\n2,a\n`);
  const b = await t.h.file('odd-b.csv', `"k""ey",${value}\n2,b\n`);
  const preview = await PreviewSession.open({ connectionString: t.db.url }, { files: [a, b], table: 'odd' });
  try {
    const page = await preview.conflicts({ column: value });
    expect(page.total).toBe(2);
    expect(page.entries).toEqual([
      { kind: 'target', key: { [key]: 1 }, columns: [value], stored: { [key]: 1, [value]: 'stored' }, versions: [{ file: a, line: 2, values: { [key]: 1, [value]: 'a' }, winner: true }] },
      {
        kind: 'cross-file', key: { [key]: 2 }, columns: [value], stored: null,
        versions: [
          { file: a, line: 3, values: { [key]: 2, [value]: 'a' }, winner: false },
          { file: b, line: 2, values: { [key]: 2, [value]: 'b' }, winner: true },
        ],
      },
    ]);
    expect((await preview.conflicts({ files: [a, b], key: '2' })).entries.map((e) => e.key)).toEqual([{ [key]: 2 }]);
  } finally {
    await preview.close();
  }
});
