// Errors from either transport carry the main side's ErrorInfo, so the UI can show code and message.
import { ErrorCodes, type ErrorInfo } from '../../shared/errors.ts';

export class ApiError extends Error {
  readonly info: ErrorInfo;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
    this.info = info;
  }
}

// Only an Error's message crosses Electron's context bridge, so the preload sends
// "CODE: message Hint: hint"; the code is KEYLOAD_* or a SQLSTATE (five characters, some digits).
const bridged = /^(KEYLOAD_[A-Z_]+|(?=[A-Z]*\d)[0-9A-Z]{5}): (.*?)(?: Hint: (.*))?$/s;

/** Any thrown value or stored error as ErrorInfo. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return error.info;
  if (isErrorInfo(error)) return error;
  if (error instanceof Error) {
    const [, code, message, hint] = bridged.exec(error.message) ?? [];
    if (code && message) return { code, message, ...(hint ? { hint } : {}) };
    return { code: ErrorCodes.internal, message: error.message };
  }
  return { code: ErrorCodes.internal, message: String(error) };
}

/** Plain ErrorInfo, as stored in run history. */
function isErrorInfo(value: unknown): value is ErrorInfo {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && 'code' in value && typeof value.code === 'string' && 'message' in value && typeof value.message === 'string';
}
