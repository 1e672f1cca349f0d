import fc from 'fast-check';
import { expect, test } from 'vitest';
import { analysisJobs } from './analysis.ts';

test('the job count is the largest power of two within the workers that divides the staging partitions', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 8 }), (workers, exponent) => {
      const partitions = 2 ** exponent;
      const jobs = analysisJobs(workers, partitions);
      expect(Number.isInteger(Math.log2(jobs))).toBe(true);
      expect(partitions % jobs).toBe(0);
      expect(jobs).toBeLessThanOrEqual(workers);
      // The next power of two would exceed the workers or the partitions.
      expect(jobs * 2 > workers || jobs * 2 > partitions).toBe(true);
    }),
  );
});
