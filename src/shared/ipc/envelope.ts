// How a request's answer travels from the main side to the renderer, over Electron IPC and the web
// host alike: one reply envelope, and one way for its error to cross Electron's context bridge.
// Zod-free, because the sandboxed preload bundles it.
import type { ErrorInfo } from '../errors.ts';

export type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

export function isReply<T>(body: unknown): body is Reply<T> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  // A void request's reply is {"ok":true}: JSON drops an undefined value.
  return body.ok === true || (body.ok === false && 'error' in body && isErrorInfo(body.error));
}

/** Plain ErrorInfo (as stored in run history or decoded from JSON), not an Error instance. */
export function isErrorInfo(value: unknown): value is ErrorInfo {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && 'code' in value && typeof value.code === 'string' && 'message' in value && typeof value.message === 'string';
}

// Only an Error's message survives the context bridge, so the preload writes the whole ErrorInfo
// into it, behind a marker, and the renderer reads it back: code, hint, file, line and column intact.
const MARKER = 'keyload-error:';

export function encodeBridgeError(info: ErrorInfo): string {
  return `${MARKER}${JSON.stringify(info)}`;
}

/** The ErrorInfo inside a bridged Error's message (Electron may put words before it); null if there is none. */
export function decodeBridgeError(message: string): ErrorInfo | null {
  const at = message.indexOf(MARKER);
  if (at < 0) return null;
  try {
    const value: unknown = JSON.parse(message.slice(at + MARKER.length));
    return isErrorInfo(value) ? value : null;
  } catch {
    return null;
  }
}
