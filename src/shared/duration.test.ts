import fc from 'fast-check';
import { expect, test } from 'vitest';
import { parseDuration } from './duration.ts';

test('durations read in their unit, a bare number in seconds; anything else is refused', () => {
  expect(parseDuration('500ms')).toBe(500);
  expect(parseDuration('5s')).toBe(5_000);
  expect(parseDuration('1.5')).toBe(1_500);
  expect(parseDuration('2min')).toBe(120_000);
  expect(parseDuration('1h')).toBe(3_600_000);
  expect(parseDuration('7d')).toBe(604_800_000);
  for (const bad of ['', 's', '-1s', '5 weeks', '1e3', 'abc']) expect(parseDuration(bad)).toBeNull();
  fc.assert(fc.property(fc.nat(100_000), (n) => parseDuration(`${n}ms`) === n && parseDuration(`${n}s`) === n * 1000));
});
