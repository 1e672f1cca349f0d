// Every error that crosses a boundary (CLI, worker, IPC) carries a stable code and a one-line
// human message. Codes are either KEYLOAD_* below or a PostgreSQL SQLSTATE (five characters).

export const ErrorCodes = {
  usage: 'KEYLOAD_USAGE',
  fileNotFound: 'KEYLOAD_FILE_NOT_FOUND',
  fileCorrupt: 'KEYLOAD_FILE_CORRUPT',
  fileUnsupported: 'KEYLOAD_FILE_UNSUPPORTED',
  tableNotFound: 'KEYLOAD_TABLE_NOT_FOUND',
  /** A table the load was to create (the app's "Create new table") already exists. */
  tableExists: 'KEYLOAD_TABLE_EXISTS',
  keyNotUnique: 'KEYLOAD_KEY_NOT_UNIQUE',
  keyMissing: 'KEYLOAD_KEY_MISSING',
  mapping: 'KEYLOAD_MAPPING',
  rowRejected: 'KEYLOAD_ROW_REJECTED',
  duplicateKey: 'KEYLOAD_DUPLICATE_KEY',
  /** Files disagree on a key's values under --conflict-policy error. */
  conflict: 'KEYLOAD_CONFLICT',
  cancelled: 'KEYLOAD_CANCELLED',
  /** Not attempted because something it depends on failed (replace is all-or-nothing). */
  dependencyFailed: 'KEYLOAD_DEPENDENCY_FAILED',
  /** A reader made no progress (no bytes, no rows) within the stall timeout. */
  readerStalled: 'KEYLOAD_READER_STALLED',
  /** Text that is not valid in its encoding, or whose encoding cannot be told. */
  encoding: 'KEYLOAD_ENCODING',
  /** A gzip file expands beyond the decompressed-size or ratio cap. */
  decompressionLimit: 'KEYLOAD_DECOMPRESSION_LIMIT',
  /** More columns than PostgreSQL allows in a table (1600). */
  tooManyColumns: 'KEYLOAD_TOO_MANY_COLUMNS',
  connection: 'KEYLOAD_CONNECTION',
  /** Refused for who or where it comes from: another site's request, a file the user did not choose. */
  forbidden: 'KEYLOAD_FORBIDDEN',
  /** A statement waited longer than --lock-timeout for a lock (SQLSTATE 55P03). */
  lockTimeout: 'KEYLOAD_LOCK_TIMEOUT',
  localDb: 'KEYLOAD_LOCAL_DB',
  internal: 'KEYLOAD_INTERNAL',
} as const;

export type KeyloadCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
/** A KEYLOAD_* code or a PostgreSQL SQLSTATE such as '23505'. */
export type ErrorCode = KeyloadCode | (string & {});

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: string;
}

/** Plain-data form of an error, safe to send over worker messages, IPC and JSON output. */
export interface ErrorInfo extends ErrorLocation {
  code: ErrorCode;
  message: string;
  hint?: string;
}

export class KeyloadError extends Error {
  readonly code: ErrorCode;
  readonly location: ErrorLocation;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorLocation & { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'KeyloadError';
    this.code = code;
    this.hint = options.hint;
    this.location = { file: options.file, line: options.line, column: options.column };
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message, hint: this.hint, ...definedOnly(this.location) };
  }
}

function definedOnly(location: ErrorLocation): ErrorLocation {
  return Object.fromEntries(Object.entries(location).filter(([, v]) => v !== undefined));
}

/** One line: "file:line: message (hint)" with whatever location parts are known. */
export function formatError(info: ErrorInfo): string {
  const where = [info.file, info.line].filter((part) => part !== undefined).join(':');
  const column = info.column ? ` column "${info.column}"` : '';
  const hint = info.hint ? ` Hint: ${info.hint}` : '';
  return `${where ? `${where}: ` : ''}${info.message}${column}${hint}`;
}
