// What to do about an error in the app, by its stable code. The engine's own hints speak of CLI
// flags, so the GUI never shows them: it says which screen and control to use instead.
import { ErrorCodes, type ErrorCode } from '../../shared/errors.ts';

const byCode: Record<string, string> = {
  [ErrorCodes.usage]: 'Check the choices on the Target and mapping step, then try again.',
  [ErrorCodes.fileNotFound]: 'Remove the file on the Files step and add it again from where it is now.',
  [ErrorCodes.fileCorrupt]: 'Check the file’s format on the Files step (Change format), or remove the file.',
  [ErrorCodes.fileUnsupported]: 'Add CSV or Parquet files only; choose the file type under Change format if it was detected wrongly.',
  [ErrorCodes.encoding]: 'Choose the file’s encoding on the Files step (Change format), or fix the bytes the error names.',
  [ErrorCodes.decompressionLimit]: 'If the file is genuine, decompress it yourself and add the plain file instead.',
  [ErrorCodes.tooManyColumns]: 'A table holds at most 1,600 columns: skip the file columns you do not need in the column mapping.',
  [ErrorCodes.readerStalled]: 'Check that the file can still be read (a network share or disk may hang), then load it again.',
  [ErrorCodes.tableNotFound]: 'Choose another table on the Target and mapping step, or choose “Create new table”.',
  [ErrorCodes.keyNotUnique]: 'Choose key columns that have a unique index or primary key, or choose the Append mode.',
  [ErrorCodes.keyMissing]: 'Choose a key column on the Target and mapping step; a table without a primary key or unique index loads only in the Append mode.',
  [ErrorCodes.mapping]: 'Map each unmatched file column to a table column, or skip it, in the column mapping.',
  [ErrorCodes.rowRejected]: 'Open the rejected rows to see each line and reason, fix them in the file, and load it again.',
  [ErrorCodes.duplicateKey]: 'Choose how duplicate keys are resolved (last wins, first wins or highest version) on the Target and mapping step.',
  [ErrorCodes.conflict]: 'Choose another duplicate-key policy on the Target and mapping step, or fix the files so they agree.',
  [ErrorCodes.cancelled]: 'Start the run again when you are ready: files already loaded are skipped.',
  [ErrorCodes.dependencyFailed]: 'Fix the file that failed first; this mode loads all the files or none.',
  [ErrorCodes.connection]: 'Check the connection on the Target and mapping step (host, port, user and password), then test it.',
  [ErrorCodes.localDb]: 'Close other Keyload windows and try again; if it persists, restart Keyload.',
  [ErrorCodes.forbidden]: 'Add the file again on the Files step (drop or pick it): Keyload reads only files chosen since it started.',
  // Added with "Create new table" refusing an existing table (issue 8).
  KEYLOAD_TABLE_EXISTS: 'Choose the existing table as the target, or give the new table another name.',
  // PostgreSQL SQLSTATEs people meet when loading.
  '28P01': 'Enter the right password for this connection on the Target and mapping step.',
  '28000': 'Check the user of this connection on the Target and mapping step.',
  '3D000': 'Check the database name of this connection on the Target and mapping step.',
  '42501': 'Ask the database owner for INSERT and UPDATE rights on the table, or choose another connection.',
  '53300': 'The server has no free connections: lower the concurrency on the Run step, or try again later.',
  '23505': 'Rows broke a unique constraint: open the rejected rows, or choose key columns that match that constraint.',
  '23502': 'A required column got no value: map a file column to it, or fix the empty values in the file.',
  '22P02': 'A value does not fit its column type: open the rejected rows, or change the column type.',
};

/** Classes of SQLSTATE with one piece of advice for the whole class. */
const byClass: Record<string, string> = {
  '08': 'The connection to the server broke: check that the server is running, then test the connection.',
  '22': 'Some values do not fit their column types: open the rejected rows to see which.',
  '23': 'Rows broke a table constraint: open the rejected rows to see which.',
  '57': 'The server stopped the work (it may be restarting): try again in a moment.',
};

/** One sentence of GUI advice for a code, or null when there is nothing better than the message. */
export function adviceFor(code: ErrorCode): string | null {
  return byCode[code] ?? (isSqlState(code) ? (byClass[code.slice(0, 2)] ?? null) : null);
}

function isSqlState(code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('KEYLOAD_');
}
