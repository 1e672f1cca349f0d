// Electron's context bridge keeps only an Error's message, so the preload puts the whole ErrorInfo
// (code, message, file, line, column) into it as JSON behind a marker, and the renderer reads it back.
import type { ErrorInfo } from '../errors.ts';

const marker = 'keyload-error:';

export function encodeBridgedError(info: ErrorInfo): string {
  return `${marker}${JSON.stringify(info)}`;
}

/** The ErrorInfo inside a bridged message, or null for any other message. */
export function decodeBridgedError(message: string): ErrorInfo | null {
  if (!message.startsWith(marker)) return null;
  try {
    const value: unknown = JSON.parse(message.slice(marker.length));
    return isErrorInfo(value) ? value : null;
  } catch {
    return null;
  }
}

/** Plain ErrorInfo (as stored in run history or decoded from JSON), not an Error instance. */
export function isErrorInfo(value: unknown): value is ErrorInfo {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    'code' in value &&
    typeof value.code === 'string' &&
    'message' in value &&
    typeof value.message === 'string'
  );
}
