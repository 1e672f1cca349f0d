// Undo against a real PostgreSQL: any load, then its undo, gives back the table exactly as it was;
// rows changed since are reported and stop it; a cancelled run's committed units come back; a
// replace gets its previous table back; a recreated or altered table is refused.
import fc from 'fast-check';
import pg from 'pg';
import { expect, test } from 'vitest';
import { rowArb, rowWithBadArb, writeGeneratedFile, type GeneratedFile, type Policy } from '../../../../test/generated-files.ts';
import { useTestHarness } from '../../../../test/load-harness.ts';
import type { UndoOutcome } from '../../../shared/undo-types.ts';
import { undoOnServer, type UndoRequest } from './undo-run.ts';

const t = useTestHarness();
const connection = () => ({ connectionString: t.db.url, applicationName: 'keyload-test' });
const undo = (run: string, options: Partial<UndoRequest> = {}): Promise<UndoOutcome> => undoOnServer(connection(), { run, schema: 'keyload', dryRun: false, force: false, ...options });

/** The table's every row, in key order, as one hash: equal digests, equal tables. */
async function digest(table: string): Promise<string> {
  const rows = await t.db.query<{ digest: string | null }>(`SELECT md5(string_agg(t::text, '|' ORDER BY k)) AS digest FROM ${table} t`);
  return rows[0]?.digest ?? 'empty';
}

async function table(name: string, rows: { k: number; a: string | null; n: number | null; v: number }[] = []): Promise<string> {
  await t.db.query(`CREATE TABLE ${name} (k int PRIMARY KEY, a text, n int, v int NOT NULL)`);
  for (const r of rows) await t.db.query(`INSERT INTO ${name} VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [r.k, r.a, r.n, r.v]);
  return name;
}

const fileWithRejectsArb = fc.record({
  rows: fc.array(rowWithBadArb, { maxLength: 30 }),
  format: fc.constantFrom('csv' as const, 'parquet' as const),
  hasN: fc.nat(4).map((dice) => dice > 0),
});

const loadArb = fc.record({
  files: fc.array(fileWithRejectsArb, { minLength: 1, maxLength: 4 }),
  mode: fc.constantFrom('upsert' as const, 'ignore' as const, 'insert' as const, 'replace' as const, 'append' as const),
  policy: fc.constantFrom<Policy>('last', 'first', 'version'),
  // Insert mode at concurrency 1 waits for a connection (generated-files.ts): 2 and up.
  concurrency: fc.integer({ min: 2, max: 6 }),
  batchSize: fc.integer({ min: 1, max: 20 }),
});

// An append's rows are known by their transactions only: once a later run rewrote them (a replace
// or an update) and was undone, they carry the undo's transaction (docs/undo.md, "Limits"). So an
// append is drawn as the last load only.
const undoCaseArb = fc
  .record({ initial: fc.array(rowArb, { maxLength: 15 }), loads: fc.array(loadArb, { minLength: 1, maxLength: 3 }) })
  .map((c) => ({ ...c, loads: c.loads.map((load, i) => (load.mode === 'append' && i < c.loads.length - 1 ? { ...load, mode: 'upsert' as const } : load)) }));

let caseNumber = 0;

test('loads then their undos, newest first, give back each earlier table exactly: every mode and policy, with duplicates, rejects and several files', { timeout: 900_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(undoCaseArb, async (c) => {
      const name = await table(`undo_prop_${++caseNumber}`, c.initial);
      const runs: { runId: string; before: string }[] = [];
      for (const [n, load] of c.loads.entries()) {
        const before = await digest(name);
        const paths = await Promise.all(load.files.map((f: GeneratedFile, i) => writeGeneratedFile(t.h, `${name}_${n}_${i}`, f)));
        const policy = load.policy === 'version' ? { conflictPolicy: 'version' as const, versionColumn: 'v' } : { conflictPolicy: load.policy };
        // --force: a file of an earlier load with the same rows is loaded again, not skipped.
        const result = await t.h.load({ files: paths, table: name, mode: load.mode, concurrency: load.concurrency, batchSize: load.batchSize, undo: true, force: true, ...policy });
        runs.push({ runId: result.runId, before });
      }
      for (const run of runs.reverse()) {
        expect(await undo(run.runId)).toMatchObject({ done: true, conflicts: 0, laterRuns: [], refused: null });
        expect(await digest(name)).toBe(run.before);
      }
      await t.db.query(`DROP TABLE ${name}`);
    }),
    { numRuns: 30, timeout: 60_000 },
  );
});

test('a row changed since the run stops its undo, with both versions; later runs come first, newest first', async () => {
  const name = await table('undo_conflicts', [{ k: 1, a: 'stored', n: 1, v: 1 }, { k: 2, a: 'kept', n: 2, v: 1 }]);
  const before = await digest(name);
  const first = await t.h.load({ files: [await t.h.file('c1.csv', 'k,a,n,v\n1,first,10,2\n3,new,30,2\n')], table: name, undo: true });
  const second = await t.h.load({ files: [await t.h.file('c2.csv', 'k,a,n,v\n1,second,11,3\n')], table: name, undo: true });
  await t.db.query(`UPDATE ${name} SET a = 'by hand' WHERE k = 3`);

  const blocked = await undo(first.runId);
  expect(blocked).toMatchObject({ done: false, toDelete: 1, toRestore: 1, conflicts: 2, laterRuns: [second.runId] });
  expect(blocked.shownConflicts).toEqual([
    { key: { k: 1 }, change: 'changed', current: { k: 1, a: 'second', n: 11, v: 3 }, restore: { k: 1, a: 'stored', n: 1, v: 1 } },
    { key: { k: 3 }, change: 'changed', current: { k: 3, a: 'by hand', n: 30, v: 2 }, restore: null },
  ]);
  expect(await t.db.query(`SELECT a FROM ${name} WHERE k = 3`)).toEqual([{ a: 'by hand' }]);

  // Newest first: the second run goes back cleanly, and the first then finds its k = 1 as it left
  // it; only the change by hand still stands in its way.
  expect(await undo('last', { dryRun: true })).toMatchObject({ entry: { runId: second.runId }, done: false, conflicts: 0, toRestore: 1 });
  expect(await undo(second.runId)).toMatchObject({ done: true });
  const rest = await undo(first.runId);
  expect(rest).toMatchObject({ done: false, conflicts: 1, laterRuns: [] });
  expect(rest.shownConflicts.map((c) => c.key)).toEqual([{ k: 3 }]);
  expect(await undo(first.runId, { force: true })).toMatchObject({ done: true });
  expect(await digest(name)).toBe(before);
  expect(await undo(first.runId)).toMatchObject({ done: false, refused: `Run ${first.runId} was already undone` });
});

test('--force restores anyway: a row deleted since comes back, a changed one is overwritten', async () => {
  const name = await table('undo_force', [{ k: 1, a: 'stored', n: 1, v: 1 }, { k: 2, a: 'stored', n: 2, v: 1 }]);
  const before = await digest(name);
  const run = await t.h.load({ files: [await t.h.file('f1.csv', 'k,a,n,v\n1,new,10,2\n2,new,20,2\n5,added,50,2\n')], table: name, undo: true });
  await t.db.query(`DELETE FROM ${name} WHERE k = 1`);
  await t.db.query(`UPDATE ${name} SET a = 'by hand' WHERE k = 5`);
  expect(await undo(run.runId)).toMatchObject({ done: false, conflicts: 2 });
  expect(await undo(run.runId, { force: true })).toMatchObject({ done: true, conflicts: 2 });
  expect(await digest(name)).toBe(before);
});

test('an undone run\'s files are no longer "already loaded": the same load runs again', async () => {
  const name = await table('undo_manifest');
  const file = await t.h.file('m1.csv', 'k,a,n,v\n1,x,1,1\n');
  const run = await t.h.load({ files: [file], table: name, undo: true });
  expect((await t.h.load({ files: [file], table: name })).files[0]?.status).toBe('skipped');
  await undo(run.runId);
  expect(await t.db.query(`SELECT count(*)::int AS n FROM ${name}`)).toEqual([{ n: 0 }]);
  const again = await t.h.load({ files: [file], table: name });
  expect(again.files[0]).toMatchObject({ status: 'loaded', counts: expect.objectContaining({ inserted: 1 }) });
});

test('a cancelled run is undone to the table it started from: the units it committed come back', async () => {
  const name = await table('undo_cancelled', Array.from({ length: 50 }, (_, k) => ({ k, a: 'stored', n: k, v: 0 })));
  const before = await digest(name);
  const rows = (from: number) => Array.from({ length: 4000 }, (_, i) => `${from + i},file,${i},1`).join('\n');
  const files = await Promise.all([0, 1, 2, 3].map((f) => t.h.file(`cancel-${f}.csv`, `k,a,n,v\n${rows(f * 4000)}\n`)));
  const stop = new AbortController();
  const run = await t.h.load({ files, table: name, undo: true, concurrency: 2, internalConcurrency: 1, batchSize: 500 }, stop.signal, (event) => {
    if (event.type === 'file-progress' && event.file.mergedRows > 0) stop.abort();
  });
  const committed = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} WHERE a = 'file'`);
  expect(run.files.some((f) => f.status === 'cancelled' || f.status === 'partly-loaded')).toBe(true);
  expect(committed[0]?.n).toBeGreaterThan(0);
  expect(await undo(run.runId)).toMatchObject({ done: true, conflicts: 0 });
  expect(await digest(name)).toBe(before);
});

test('undoing a replace gives back the whole previous table; a change since stops it', async () => {
  const name = await table('undo_replace', [{ k: 1, a: 'old', n: 1, v: 1 }, { k: 2, a: 'old', n: 2, v: 1 }]);
  const before = await digest(name);
  const run = await t.h.load({ files: [await t.h.file('r1.csv', 'k,a,n,v\n7,new,7,1\n8,new,8,1\n9,new,9,1\n')], table: name, mode: 'replace', undo: true });
  expect(await t.db.query(`SELECT count(*)::int AS n FROM ${name}`)).toEqual([{ n: 3 }]);
  await t.db.query(`INSERT INTO ${name} VALUES (10, 'since', 10, 1)`);
  expect(await undo(run.runId)).toMatchObject({ done: false, toDelete: 4, toRestore: 2, conflicts: 1 });
  await t.db.query(`DELETE FROM ${name} WHERE k = 10`);
  const o = await undo(run.runId);
  expect(o).toMatchObject({ done: true, toDelete: 3, toRestore: 2, conflicts: 0 });
  expect(await digest(name)).toBe(before);
});

test('a table dropped and created again, or altered, is refused with the reason; nothing changes', async () => {
  const name = await table('undo_identity', [{ k: 1, a: 'old', n: 1, v: 1 }]);
  const run = await t.h.load({ files: [await t.h.file('i1.csv', 'k,a,n,v\n1,new,1,2\n')], table: name, undo: true });
  await t.db.query(`ALTER TABLE ${name} ADD COLUMN extra text`);
  const altered = await undo(run.runId);
  expect(altered).toMatchObject({ done: false });
  expect(altered.refused).toMatch(/was altered since the run \(a column added, dropped or retyped\)/);
  await t.db.query(`DROP TABLE ${name}`);
  await table(name, [{ k: 1, a: 'other', n: 1, v: 1 }]);
  expect((await undo(run.runId)).refused).toMatch(/was dropped and created again since the run/);
  expect(await t.db.query(`SELECT a FROM ${name}`)).toEqual([{ a: 'other' }]);
});

test('a run that keeps no undo state says so', async () => {
  const name = await table('undo_none');
  const run = await t.h.load({ files: [await t.h.file('n1.csv', 'k,a,n,v\n1,x,1,1\n')], table: name });
  await expect(undo(run.runId)).rejects.toThrow(/has no undo state on this server: it kept none \(--undo\)/);
});

test('an undo whose connection is killed halfway leaves the table as it was; run again, it finishes', async () => {
  const name = await table('undo_killed', Array.from({ length: 40 }, (_, k) => ({ k, a: 'stored', n: k, v: 0 })));
  const before = await digest(name);
  const rows = Array.from({ length: 80 }, (_, k) => `${k},file,${k},1`).join('\n');
  const run = await t.h.load({ files: [await t.h.file('killed.csv', `k,a,n,v\n${rows}\n`)], table: name, undo: true });
  const loaded = await digest(name);
  // A row lock makes the undo wait inside its transaction, after it has started changing the table.
  const blocker = new pg.Client({ connectionString: t.db.url });
  await blocker.connect();
  await blocker.query(`BEGIN; SELECT 1 FROM ${name} WHERE k = 79 FOR UPDATE`);
  const undoing = undo(run.runId).catch((error: unknown) => error);
  let victim: number | undefined;
  while (victim === undefined) {
    const waiting = await t.db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'keyload-test' AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM%'`);
    victim = waiting[0]?.pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await t.db.query('SELECT pg_terminate_backend($1)', [victim]);
  expect(await undoing).toBeInstanceOf(Error);
  await blocker.query('ROLLBACK');
  await blocker.end();
  expect(await digest(name)).toBe(loaded);
  expect(await undo(run.runId)).toMatchObject({ done: true, conflicts: 0 });
  expect(await digest(name)).toBe(before);
});

test('--chain undoes the later runs in the way first, newest first, and stops at one with rows changed since', async () => {
  const name = await table('undo_chain', [{ k: 1, a: 'stored', n: 1, v: 1 }]);
  const before = await digest(name);
  const load = async (file: string, rows: string) => (await t.h.load({ files: [await t.h.file(file, `k,a,n,v\n${rows}\n`)], table: name, undo: true })).runId;
  const a = await load('ch-a.csv', '1,a,1,2\n2,a,2,2');
  const b = await load('ch-b.csv', '1,b,1,3');
  const c = await load('ch-c.csv', '2,c,2,3');
  expect(await undo(a)).toMatchObject({ done: false, laterRuns: [c, b] });

  // A change by hand to a row of c: the chain undoes nothing.
  await t.db.query(`UPDATE ${name} SET a = 'by hand' WHERE k = 2`);
  const stopped = await undo(a, { chain: true });
  expect(stopped).toMatchObject({ done: false, chained: [{ entry: { runId: c }, done: false, conflicts: 1 }] });
  await t.db.query(`UPDATE ${name} SET a = 'c' WHERE k = 2`);
  await undo(c, { force: true });

  const chained = await undo(a, { chain: true });
  expect(chained).toMatchObject({ done: true, chained: [{ entry: { runId: b }, done: true }] });
  expect(await digest(name)).toBe(before);
});
