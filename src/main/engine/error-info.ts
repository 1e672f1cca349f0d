// Turns anything thrown into the plain ErrorInfo every front end shows: KeyloadErrors keep their
// code, PostgreSQL errors keep their SQLSTATE and detail, the rest becomes KEYLOAD_INTERNAL.
import { ErrorCodes, KeyloadError, type ErrorInfo } from '../../shared/errors.ts';

interface PgErrorShape {
  code?: unknown;
  detail?: unknown;
  hint?: unknown;
  message?: unknown;
}

export function toErrorInfo(error: unknown, file?: string): ErrorInfo {
  if (error instanceof KeyloadError) {
    const info = error.toInfo();
    return file && !info.file ? { ...info, file } : info;
  }
  const pg = (error ?? {}) as PgErrorShape;
  const message = typeof pg.message === 'string' ? pg.message : String(error);
  const withFile = file ? { file } : {};
  if (typeof pg.code === 'string' && /^[0-9A-Z]{5}$/.test(pg.code)) {
    const details = [pg.detail, pg.hint].filter((d): d is string => typeof d === 'string' && d.length > 0).join(' ');
    return { code: pg.code, message, ...(details ? { hint: details } : {}), ...withFile };
  }
  return { code: ErrorCodes.internal, message, ...withFile };
}
