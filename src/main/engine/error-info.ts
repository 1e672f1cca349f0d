// Turns anything thrown into the plain ErrorInfo every front end shows: KeyloadErrors keep their
// code, PostgreSQL errors keep their SQLSTATE and detail, the rest becomes KEYLOAD_INTERNAL.
import { ErrorCodes, KeyloadError, type ErrorInfo } from '../../shared/errors.ts';

/** A text field of a thrown value (pg's errors are plain objects with code, detail and hint). */
function textField(error: unknown, name: 'code' | 'detail' | 'hint' | 'message'): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value: unknown = Reflect.get(error, name);
  return typeof value === 'string' ? value : undefined;
}

export function toErrorInfo(error: unknown, file?: string): ErrorInfo {
  if (error instanceof KeyloadError) {
    const info = error.toInfo();
    return file && !info.file ? { ...info, file } : info;
  }
  const message = textField(error, 'message') ?? String(error);
  const code = textField(error, 'code');
  const withFile = file ? { file } : {};
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    const details = [textField(error, 'detail'), textField(error, 'hint')].filter((d): d is string => Boolean(d)).join(' ');
    return { code, message, ...(details ? { hint: details } : {}), ...withFile };
  }
  return { code: ErrorCodes.internal, message, ...withFile };
}
