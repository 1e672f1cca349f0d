// A preview must predict exactly the counts the load with the same arguments then reports, also
// after re-ranking: the session opens under one policy and file order, is re-ranked to the case's,
// and the load takes the files in that order.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { fileArb, rowArb, rowWithBadArb, writeGeneratedFile } from '../../../../test/generated-files.ts';
import { useTestHarness } from '../../../../test/load-harness.ts';
import { PreviewSession } from './preview-session.ts';

const t = useTestHarness();

const caseArb = fc.record({
  initial: fc.array(rowArb, { maxLength: 15 }),
  files: fc.array(fileArb.chain((f) => fc.array(rowWithBadArb, { maxLength: 30 }).map((rows) => ({ ...f, rows }))), { minLength: 1, maxLength: 4 }),
  mode: fc.constantFrom('upsert' as const, 'upsert' as const, 'ignore' as const),
  policy: fc.constantFrom('last' as const, 'first' as const, 'version' as const),
  batchSize: fc.integer({ min: 1, max: 20 }),
  /** The policy the preview opens under (a session can move to version only if it opened with its column). */
  openPolicy: fc.constantFrom('last' as const, 'first' as const, 'version' as const),
  /** Sort keys that shuffle the files into the order the preview is re-ranked to and the load takes. */
  shuffle: fc.array(fc.double({ noNaN: true }), { minLength: 4, maxLength: 4 }),
});

const policyOptions = (policy: 'last' | 'first' | 'version') => (policy === 'version' ? { conflictPolicy: 'version' as const, versionColumn: 'v' } : { conflictPolicy: policy });

let n = 0;
test('preview counts equal the following load\'s counts, file by file', { timeout: 600_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(caseArb, async (c) => {
      const table = `cons_${++n}`;
      await t.db.query(`CREATE TABLE ${table} (k int PRIMARY KEY, a text, n int, v int NOT NULL)`);
      for (const r of new Map(c.initial.map((r) => [r.k, r])).values()) await t.db.query(`INSERT INTO ${table} VALUES ($1, $2, $3, $4)`, [r.k, r.a, r.n, r.v]);
      const files = await Promise.all(c.files.map((f, i) => writeGeneratedFile(t.h, `${table}_${i}`, f)));
      const reordered = files.map((path, i) => ({ path, at: c.shuffle[i] ?? 0 })).sort((a, b) => a.at - b.at).map((f) => f.path);
      const common = { table, mode: c.mode, batchSize: c.batchSize };
      const preview = await PreviewSession.open({ connectionString: t.db.url }, { ...common, files, ...policyOptions(c.policy === 'version' ? 'version' : c.openPolicy) });
      await preview.summary();
      const predicted = await preview.summary({ files: reordered, policy: c.policy }).finally(() => preview.close());
      const loaded = await t.h.load({ ...common, files: reordered, order: 'given', ...policyOptions(c.policy) });
      expect(predicted.files.map((f) => f.path)).toEqual(loaded.files.map((f) => f.path));
      expect(predicted.files.map((f) => f.counts)).toEqual(loaded.files.map((f) => f.counts));
      await t.db.query(`DROP TABLE ${table}`);
    }),
    { numRuns: 30, timeout: 30_000 },
  );
});
