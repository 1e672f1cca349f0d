import { expect, test } from 'vitest';
import { formatBytes } from './format-bytes.ts';

test('sizes in binary units with one decimal, whole bytes without', () => {
  expect(formatBytes(0)).toBe('0 B');
  expect(formatBytes(1023)).toBe('1023 B');
  expect(formatBytes(1024)).toBe('1.0 KB');
  expect(formatBytes(32_870)).toBe('32.1 KB');
  expect(formatBytes(68 * 1024 * 1024)).toBe('68.0 MB');
  expect(formatBytes(5 * 1024 ** 5)).toBe('5120.0 TB');
});
