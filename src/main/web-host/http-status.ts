// The HTTP status a failed request answers with, chosen from its error's code. The body still
// carries the error itself (code, message, hint), which is what the renderer shows; the status is
// for HTTP clients, proxies and logs, so they can tell the caller's mistakes from the host's.
import { ErrorCodes, type ErrorCode, type KeyloadCode } from '../../shared/errors.ts';

/** The statuses this host answers with, by their names in RFC 9110 (node's http.STATUS_CODES). */
export const HttpStatus = {
  ok: 200,
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  methodNotAllowed: 405,
  conflict: 409,
  misdirectedRequest: 421,
  unprocessableContent: 422,
  failedDependency: 424,
  internalServerError: 500,
  badGateway: 502,
  serviceUnavailable: 503,
} as const;

export type HttpStatusCode = (typeof HttpStatus)[keyof typeof HttpStatus];

/**
 * Every KEYLOAD_* code has its status (a new code does not compile until it gets one):
 * - the request or its options are wrong (usage, mapping, key): 400;
 * - refused for where it comes from (another site, a file the user did not choose): 403;
 * - a named file or table does not exist: 404;
 * - the files can be found but not used (corrupt, unsupported, a rejected row under --on-error abort): 422;
 * - the request conflicts with what is there (the table exists, the key exists, the files disagree,
 *   the run was cancelled or lost its claim, another session held a lock past --lock-timeout): 409;
 * - not attempted because something it depends on failed: 424;
 * - the database cannot be reached: 502; the built-in local database cannot start: 503;
 * - a bug or an unexpected failure: 500.
 */
const statusOfCode: Record<KeyloadCode, HttpStatusCode> = {
  [ErrorCodes.usage]: HttpStatus.badRequest,
  [ErrorCodes.mapping]: HttpStatus.badRequest,
  [ErrorCodes.keyMissing]: HttpStatus.badRequest,
  [ErrorCodes.keyNotUnique]: HttpStatus.badRequest,
  [ErrorCodes.fileNotFound]: HttpStatus.notFound,
  [ErrorCodes.tableNotFound]: HttpStatus.notFound,
  [ErrorCodes.fileCorrupt]: HttpStatus.unprocessableContent,
  [ErrorCodes.fileUnsupported]: HttpStatus.unprocessableContent,
  [ErrorCodes.rowRejected]: HttpStatus.unprocessableContent,
  [ErrorCodes.encoding]: HttpStatus.unprocessableContent,
  [ErrorCodes.decompressionLimit]: HttpStatus.unprocessableContent,
  [ErrorCodes.tooManyColumns]: HttpStatus.unprocessableContent,
  [ErrorCodes.readerStalled]: HttpStatus.unprocessableContent,
  [ErrorCodes.tableExists]: HttpStatus.conflict,
  [ErrorCodes.lockTimeout]: HttpStatus.conflict,
  [ErrorCodes.duplicateKey]: HttpStatus.conflict,
  [ErrorCodes.conflict]: HttpStatus.conflict,
  [ErrorCodes.cancelled]: HttpStatus.conflict,
  [ErrorCodes.dependencyFailed]: HttpStatus.failedDependency,
  [ErrorCodes.forbidden]: HttpStatus.forbidden,
  [ErrorCodes.connection]: HttpStatus.badGateway,
  [ErrorCodes.localDb]: HttpStatus.serviceUnavailable,
  [ErrorCodes.internal]: HttpStatus.internalServerError,
};

function isKeyloadCode(code: ErrorCode): code is KeyloadCode {
  return Object.hasOwn(statusOfCode, code);
}

/** Any other code is a PostgreSQL SQLSTATE: the database refused the work, so the gateway answers 502. */
export function httpStatusOf(code: ErrorCode): HttpStatusCode {
  return isKeyloadCode(code) ? statusOfCode[code] : HttpStatus.badGateway;
}
