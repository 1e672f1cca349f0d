// Errors from either transport carry the main side's ErrorInfo, so the UI can show code and message.
import { ErrorCodes, type ErrorInfo } from '../../shared/errors.ts';
import { decodeBridgeError, isErrorInfo } from '../../shared/ipc/envelope.ts';

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
  // Errors from the Electron preload carry their ErrorInfo inside the message.
  if (error instanceof Error) return decodeBridgeError(error.message) ?? { code: ErrorCodes.internal, message: error.message };
  if (isErrorInfo(error)) return error;
  return { code: ErrorCodes.internal, message: String(error) };
}
