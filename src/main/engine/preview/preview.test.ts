// Conflict previews against a real PostgreSQL: every kind of conflict, re-ranking, paging.
import { expect, test } from 'vitest';
import { useTestHarness } from '../../../../test/load-harness.ts';
import { PreviewSession } from './preview-session.ts';

const t = useTestHarness();

test('every kind of conflict, with versions, winners and stored rows; nothing is written', async () => {
  await t.db.query(`CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, city text)`);
  await t.db.query(`INSERT INTO people VALUES (1, 'Ann', 'Oslo'), (2, 'Bob', 'Rome'), (9, 'Zed', 'Nice')`);
  // Named so that name order (p1, p2) is the reverse of the given order (a, b).
  const a = await t.h.file('p2.csv', 'id,name,city\n1,Ann,Bergen\n3,Cid,Lyon\n3,Cid,Paris\n4,Dan,Oslo\nx,Bad,Oslo\n');
  const b = await t.h.file('p1.csv', 'id,name,city\n3,Cid,Lima\n4,Dan,Oslo\n2,Bob,Rome\n');
  const preview = await PreviewSession.open({ connectionString: t.db.url }, { files: [a, b], table: 'people' });
  try {
    const summary = await preview.summary();
    expect(summary.files.map((f) => f.counts)).toEqual([
      // Keys 3 and 4 are b's (loaded last): a's rows for them are superseded, never written.
      { read: 5, inserted: 0, updated: 1, unchanged: 0, collapsed: 1, superseded: 2, rejected: 1 },
      { read: 3, inserted: 2, updated: 0, unchanged: 1, collapsed: 0, superseded: 0, rejected: 0 },
    ]);
    expect(summary.files.map((f) => f.duplicateKeys)).toEqual([1, 0]);
    expect(summary.overlap).toEqual([
      [3, 2],
      [2, 3],
    ]);
    expect(summary.crossFile).toEqual({ keys: 1, columns: [{ column: 'city', keys: 1 }] });
    expect(summary.target).toMatchObject({ existingKeys: 2, changed: 1 });

    const cross = await preview.conflicts({ kind: 'cross-file' });
    expect(cross.total).toBe(1);
    expect(cross.entries[0]).toMatchObject({ key: { id: 3 }, columns: ['city'], stored: null });
    expect(cross.entries[0]?.versions.map((v) => [v.line, v.values.city, v.winner])).toEqual([
      [3, 'Lyon', false],
      [4, 'Paris', false],
      [2, 'Lima', true],
    ]);
    const dup = await preview.conflicts({ kind: 'duplicate' });
    expect(dup.entries.map((e) => e.key)).toEqual([{ id: 3 }]);
    const target = await preview.conflicts({ kind: 'target' });
    expect(target.entries).toEqual([
      expect.objectContaining({ key: { id: 1 }, columns: ['city'], stored: { id: 1, name: 'Ann', city: 'Oslo' } }),
    ]);
    const rejected = await preview.conflicts({ kind: 'rejected' });
    expect(rejected.entries).toEqual([expect.objectContaining({ reject: expect.objectContaining({ file: a, line: 6, column: 'id' }) })]);
    expect((await preview.conflicts({ files: [a, b] })).entries.map((e) => e.key)).toEqual([{ id: 3 }]);
    expect((await preview.conflicts({ column: 'city' })).total).toBe(2);
    expect((await preview.conflicts({ key: '1' })).entries.map((e) => e.key)).toEqual([{ id: 1 }]);

    // Re-ranked without reading the files again: in name order a (p2.csv) loads last and wins key 3.
    const byName = await preview.summary({ order: 'name', policy: 'last' });
    expect(byName.files.map((f) => f.path)).toEqual([b, a]);
    const winnerByName = await preview.conflicts({ kind: 'cross-file' });
    expect(winnerByName.entries[0]?.versions.find((v) => v.winner)).toMatchObject({ file: a, line: 4, values: { city: 'Paris' } });
    const first = await preview.summary({ order: 'given', policy: 'first' });
    // Under first, a holds keys 3 and 4 first: b's rows for them are superseded.
    expect(first.files[1]?.counts).toMatchObject({ collapsed: 0, superseded: 2, inserted: 0 });
    const winnerFirst = await preview.conflicts({ kind: 'cross-file' });
    expect(winnerFirst.entries[0]?.versions.find((v) => v.winner)?.values.city).toBe('Lyon');

    // An order the user arranged ([b, a], the same as name order here) ranks as that order does.
    const chosen = await preview.summary({ files: [b, a], policy: 'last' });
    expect({ files: chosen.files, totals: chosen.totals, overlap: chosen.overlap }).toEqual({ files: byName.files, totals: byName.totals, overlap: byName.overlap });
    expect((await preview.conflicts({ kind: 'cross-file' })).entries[0]?.versions.find((v) => v.winner)).toMatchObject({ file: a, line: 4 });
    await expect(preview.summary({ files: [a] })).rejects.toMatchObject({ code: 'KEYLOAD_USAGE' });
  } finally {
    await preview.close();
  }
  expect(await t.db.query('SELECT * FROM people ORDER BY id')).toEqual([
    { id: 1, name: 'Ann', city: 'Oslo' },
    { id: 2, name: 'Bob', city: 'Rome' },
    { id: 9, name: 'Zed', city: 'Nice' },
  ]);
  expect(await t.db.query(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 's\\_%' AND relnamespace = 'keyload'::regnamespace`)).toEqual([{ n: 0 }]);
});

test('a column whose type has no equality (json) is compared as the load compares it, as text', async () => {
  await t.db.query(`CREATE TABLE docs (id int PRIMARY KEY, body json)`);
  await t.db.query(`INSERT INTO docs VALUES (1, '{"a": 1}'), (2, '{"a": 1}')`);
  const file = await t.h.file('docs.csv', 'id,body\n1,"{""a"": 1}"\n2,"{""a"": 2}"\n3,"{}"\n');
  const preview = await PreviewSession.open({ connectionString: t.db.url }, { files: [file], table: 'docs' });
  const predicted = await preview.summary().finally(() => preview.close());
  expect(predicted.files[0]?.counts).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 });
  expect((await t.h.load({ files: [file], table: 'docs' })).files[0]?.counts).toEqual(predicted.files[0]?.counts);
});

test('under the version policy, files tied on the highest version: the earliest in load order owns the key, as in the load', async () => {
  await t.db.query(`CREATE TABLE tied (id int PRIMARY KEY, name text, v int)`);
  const a = await t.h.file('tied-a.csv', 'id,name,v\n1,a,5\n2,a,1\n');
  const b = await t.h.file('tied-b.csv', 'id,name,v\n1,b,5\n2,b,2\n');
  const c = await t.h.file('tied-c.csv', 'id,name,v\n1,c,3\n');
  const nameIn = new Map([[a, 'a'], [b, 'b'], [c, 'c']]);
  const options = { table: 'tied', conflictPolicy: 'version' as const, versionColumn: 'v' };
  const preview = await PreviewSession.open({ connectionString: t.db.url }, { ...options, files: [a, b, c] });
  try {
    for (const order of [[a, b, c], [b, a, c], [c, b, a]]) {
      const predicted = await preview.summary({ files: order, policy: 'version' });
      const winner = (await preview.conflicts({ key: '1' })).entries[0]?.versions.find((v) => v.winner);
      expect(winner?.file).toBe(order.find((f) => f !== c));
      const loaded = await t.h.load({ ...options, files: order, order: 'given', force: true });
      expect(predicted.files.map((f) => f.counts)).toEqual(loaded.files.map((f) => f.counts));
      expect(await t.db.query('SELECT name FROM tied WHERE id = 1')).toEqual([{ name: nameIn.get(winner?.file ?? '') }]);
      await t.db.query('TRUNCATE tied');
    }
  } finally {
    await preview.close();
  }
});

test('files that map different columns: each row is compared in its own columns only, as the load compares it', async () => {
  await t.db.query(`CREATE TABLE split (id int PRIMARY KEY, name text, city text)`);
  await t.db.query(`INSERT INTO split VALUES (1, 'Ann', 'Oslo'), (2, 'Bob', 'Rome')`);
  // cities changes key 1's city; names repeats key 1 after it, and changes key 2's name only.
  const cities = await t.h.file('split-cities.csv', 'id,city\n1,Lima\n');
  const names = await t.h.file('split-names.csv', 'id,name,city\n1,Ann,Lima\n2,Bo,Rome\n');
  const options = { table: 'split', order: 'given' as const };
  const preview = await PreviewSession.open({ connectionString: t.db.url }, { ...options, files: [cities, names] });
  const predicted = await preview.summary().finally(() => preview.close());
  // After cities set Lima, names' row for key 1 changes nothing; without a name, cities' row says nothing about names.
  expect(predicted.files.map((f) => f.counts)).toMatchObject([
    { updated: 1, unchanged: 0 },
    { updated: 1, unchanged: 1 },
  ]);
  expect(predicted.crossFile).toEqual({ keys: 0, columns: [] });
  const loaded = await t.h.load({ ...options, files: [cities, names] });
  expect(loaded.files.map((f) => f.counts)).toEqual(predicted.files.map((f) => f.counts));

  // Under first the owner is known before any order (the survivors' own differences decide): a
  // column its file lacks is no difference, so these city-only rows equal the stored ones.
  const sameCities = await t.h.file('split-same-cities.csv', 'id,city\n2,Rome\n1,Lima\n');
  const renames = await t.h.file('split-renames.csv', 'id,name,city\n1,Al,Lima\n2,Bob,Rome\n');
  const first = { ...options, conflictPolicy: 'first' as const };
  const again = await PreviewSession.open({ connectionString: t.db.url }, { ...first, files: [sameCities, renames] });
  const predictedFirst = await again.summary().finally(() => again.close());
  expect(predictedFirst.files.map((f) => f.counts)).toMatchObject([
    { updated: 0, unchanged: 2 },
    { updated: 0, superseded: 2 },
  ]);
  const loadedFirst = await t.h.load({ ...first, files: [sameCities, renames] });
  expect(loadedFirst.files.map((f) => f.counts)).toEqual(predictedFirst.files.map((f) => f.counts));
});
