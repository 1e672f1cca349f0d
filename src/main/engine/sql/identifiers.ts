// Identifiers come from file headers and user input: untrusted. Everything that reaches SQL text
// goes through these helpers; values never do (they travel through COPY or bind parameters).
import pg from 'pg';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { TableName } from '../../../shared/table-name.ts';

// Parsing lives in src/shared, so the app's screens read a table name exactly as the engine does.
export { parseTableName, type TableName } from '../../../shared/table-name.ts';

export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new KeyloadError(ErrorCodes.usage, `Identifier ${JSON.stringify(name)} contains a NUL byte`);
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A string literal for the places SQL needs one that is not data (column and type names in
 * validation, preview and merge). pg's escapeLiteral writes E'...' with backslashes doubled when the
 * text has one, so the literal holds under standard_conforming_strings on and off alike.
 */
export function quoteLiteral(text: string): string {
  if (text.includes('\0')) throw new KeyloadError(ErrorCodes.usage, `Name ${JSON.stringify(text)} contains a NUL byte`);
  return pg.escapeLiteral(text);
}

export function qualifiedName(table: TableName): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

export function displayName(table: TableName): string {
  return `${table.schema}.${table.name}`;
}
