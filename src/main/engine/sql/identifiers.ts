// Identifiers come from file headers and user input: untrusted. Everything that reaches SQL text
// goes through these helpers; values never do (they travel through COPY or bind parameters).
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { TableName } from '../../../shared/table-name.ts';

// Parsing lives in src/shared, so the app's screens read a table name exactly as the engine does.
export { parseTableName, type TableName } from '../../../shared/table-name.ts';

export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new KeyloadError(ErrorCodes.usage, `Identifier ${JSON.stringify(name)} contains a NUL byte`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** A string literal for the rare places SQL needs one that is not data (type names in validation). */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function qualifiedName(table: TableName): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

export function displayName(table: TableName): string {
  return `${table.schema}.${table.name}`;
}
