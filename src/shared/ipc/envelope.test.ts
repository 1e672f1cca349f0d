import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { ErrorInfo } from '../errors.ts';
import { decodeBridgeError, encodeBridgeError, isReply } from './envelope.ts';

const errorInfoArb: fc.Arbitrary<ErrorInfo> = fc.record(
  {
    code: fc.oneof(fc.constantFrom('KEYLOAD_FILE_CORRUPT', 'KEYLOAD_MAPPING', '23505', '57P01'), fc.string({ minLength: 1 })),
    message: fc.string(),
    hint: fc.string(),
    file: fc.string({ minLength: 1 }),
    line: fc.nat(),
    column: fc.string(),
  },
  { requiredKeys: ['code', 'message'] },
);

test('an error crosses the bridge with every field intact, whatever its text', () => {
  fc.assert(
    fc.property(errorInfoArb, fc.constantFrom('', "Error invoking remote method 'keyload:runs.start': Error: "), (info, prefix) => {
      // The renderer sees the thrown Error's message, sometimes with Electron's words before it.
      const message = new Error(prefix + encodeBridgeError(info)).message;
      expect(decodeBridgeError(message)).toEqual(info);
    }),
  );
});

test('a message that was not encoded by the preload decodes to null', () => {
  expect(decodeBridgeError('KEYLOAD_USAGE: plain text')).toBeNull();
  expect(decodeBridgeError('keyload-error:{not json')).toBeNull();
  expect(decodeBridgeError('keyload-error:{"message":"no code"}')).toBeNull();
});

test('isReply accepts the two envelope shapes only', () => {
  expect(isReply({ ok: true, value: 1 })).toBe(true);
  expect(isReply({ ok: true })).toBe(true);
  expect(isReply({ ok: false, error: { code: 'KEYLOAD_USAGE', message: 'x' } })).toBe(true);
  expect(isReply({ ok: false, error: 'x' })).toBe(false);
  expect(isReply({ value: 1 })).toBe(false);
  expect(isReply(null)).toBe(false);
});
