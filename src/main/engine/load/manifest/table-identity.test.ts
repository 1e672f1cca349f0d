// A manifest row speaks only for the table it was written for: a dropped and recreated target, or a
// truncated one, gets its files loaded again (with a notice saying why), a rewritten one does not.
import { beforeEach, expect, test } from 'vitest';
import { useTestHarness } from '../../../../../test/load-harness.ts';
import type { LoadEvent } from '../../../../shared/load-types.ts';

const t = useTestHarness();
beforeEach(async () => {
  await t.db.query('DROP TABLE IF EXISTS t; DROP SCHEMA IF EXISTS keyload CASCADE');
});

function csv(rows: number): string {
  return `id,v\n${Array.from({ length: rows }, (_, i) => `${i},v${i}`).join('\n')}\n`;
}

const notices = (events: LoadEvent[]) => events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
const count = async () => (await t.db.query<{ n: string; ids: string }>('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM t'))[0];

for (const mode of ['upsert', 'append'] as const) {
  const create = mode === 'append' ? 'CREATE TABLE t (id bigint, v text)' : 'CREATE TABLE t (id bigint PRIMARY KEY, v text)';

  test(`${mode}: after DROP and CREATE of the table, a re-run loads the file again and says why`, async () => {
    await t.db.query(create);
    const path = await t.h.file(`recreated-${mode}.csv`, csv(500));
    expect((await t.h.load({ files: [path], table: 't', mode })).files[0]?.status).toBe('loaded');
    await t.db.query(`DROP TABLE t; ${create}`);
    const again = await t.h.load({ files: [path], table: 't', mode });
    expect(again.files[0]?.status).toBe('loaded');
    expect(notices(again.events)).toContainEqual(expect.stringMatching(new RegExp(`^${path} was recorded loaded into public\\.t on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, but public\\.t was dropped and recreated since; loading it again$`)));
    expect(await count()).toEqual({ n: '500', ids: '500' });
  });

  test(`${mode}: after TRUNCATE, a re-run loads the file again and says why`, async () => {
    await t.db.query(create);
    const path = await t.h.file(`truncated-${mode}.csv`, csv(500));
    await t.h.load({ files: [path], table: 't', mode });
    await t.db.query('TRUNCATE t');
    const again = await t.h.load({ files: [path], table: 't', mode });
    expect(again.files[0]?.status).toBe('loaded');
    expect(notices(again.events)).toContainEqual(expect.stringContaining('but public.t was truncated since; loading it again'));
    expect(await count()).toEqual({ n: '500', ids: '500' });
  });

  test(`${mode}: after VACUUM FULL (new storage, same rows), a re-run still skips the file`, async () => {
    await t.db.query(create);
    const path = await t.h.file(`vacuumed-${mode}.csv`, csv(500));
    await t.h.load({ files: [path], table: 't', mode });
    const before = await t.db.query<{ f: string }>(`SELECT pg_relation_filenode('t') AS f`);
    await t.db.query('VACUUM FULL t');
    expect(await t.db.query<{ f: string }>(`SELECT pg_relation_filenode('t') AS f`)).not.toEqual(before);
    const again = await t.h.load({ files: [path], table: 't', mode });
    expect(again.files[0]).toMatchObject({ status: 'skipped', skipReason: 'already loaded' });
    expect(notices(again.events).filter((n) => n.includes('since; loading it again'))).toEqual([]);
    expect(await count()).toEqual({ n: '500', ids: '500' });
  });
}

test('a file partly loaded into a table that was dropped and recreated since starts over instead of resuming', async () => {
  await t.db.query('CREATE TABLE t (id bigint, v text)');
  const path = await t.h.file('partly.csv', csv(1000));
  await t.h.load({ files: [path], table: 't', mode: 'append', batchSize: 100 });
  // As a killed run leaves it: 4 sub-batches committed.
  await t.db.query(`UPDATE keyload.keyload_manifest SET status = 'loading', batches_done = 4, inserted = 400`);
  await t.db.query('DROP TABLE t; CREATE TABLE t (id bigint, v text)');
  const again = await t.h.load({ files: [path], table: 't', mode: 'append', batchSize: 100 });
  expect(again.files[0]?.status).toBe('loaded');
  expect(notices(again.events)).toContainEqual(expect.stringContaining('was recorded partly loaded into public.t'));
  expect(await count()).toEqual({ n: '1000', ids: '1000' });
});

test('a keyed file partly merged into a table created anew by --create-table starts over', async () => {
  await t.db.query('CREATE TABLE t (id bigint PRIMARY KEY, v text)');
  const path = await t.h.file('partly-keyed.csv', csv(1000));
  await t.h.load({ files: [path], table: 't', batchSize: 100 });
  // As a run killed just before marking the file loaded leaves it: every unit recorded merged.
  await t.db.query(`UPDATE keyload.keyload_manifest SET status = 'loading'`);
  await t.db.query(
    `INSERT INTO keyload.keyload_progress SELECT m.sha256, m.target_table, p, m.parts, 100, 10, true, 0, 0, 0 FROM keyload.keyload_manifest m, generate_series(0, m.parts - 1) p`,
  );
  await t.db.query('DROP TABLE t');
  const again = await t.h.load({ files: [path], table: 't', key: ['id'], createTable: true, batchSize: 100 });
  expect(again.files[0]?.status).toBe('loaded');
  expect(await count()).toEqual({ n: '1000', ids: '1000' });
});

test('a replace empties the table: files loaded before it load again afterwards', async () => {
  await t.db.query('CREATE TABLE t (id bigint PRIMARY KEY, v text)');
  const before = await t.h.file('before-replace.csv', csv(300));
  const replacing = await t.h.file('replacing.csv', 'id,v\n1000,x\n');
  await t.h.load({ files: [before], table: 't' });
  await t.h.load({ files: [replacing], table: 't', mode: 'replace' });
  const again = await t.h.load({ files: [before], table: 't' });
  expect(again.files[0]?.status).toBe('loaded');
  expect(await count()).toEqual({ n: '301', ids: '301' });
});
