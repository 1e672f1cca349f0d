// Errors from either transport carry the main side's ErrorInfo, so the UI can show code and message.
import { ErrorCodes, type ErrorInfo } from '../../shared/errors.ts';
import { decodeBridgedError, isErrorInfo } from '../../shared/ipc/bridged-error.ts';

export class ApiError extends Error {
  readonly info: ErrorInfo;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ApiError';
    this.info = info;
  }
}

/** Any thrown value or stored error as ErrorInfo. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return error.info;
  if (isErrorInfo(error)) return error;
  if (error instanceof Error) return decodeBridgedError(error.message) ?? { code: ErrorCodes.internal, message: error.message };
  return { code: ErrorCodes.internal, message: String(error) };
}
