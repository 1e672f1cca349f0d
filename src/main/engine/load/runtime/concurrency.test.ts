import fc from 'fast-check';
import { expect, test } from 'vitest';
import { mapLimit } from './concurrency.ts';

test('mapLimit keeps order, runs everything once, and never exceeds the limit', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(5), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), async (delays, limit) => {
      let running = 0;
      let peak = 0;
      const results = await mapLimit(delays, limit, async (delay, i) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, delay));
        running--;
        return i * 2;
      });
      expect(results).toEqual(delays.map((_, i) => i * 2));
      expect(peak).toBeLessThanOrEqual(limit);
    }),
    { numRuns: 30 },
  );
});
