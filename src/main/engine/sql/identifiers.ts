// Identifiers come from file headers and user input: untrusted. Everything that reaches SQL text
// goes through these helpers; values never do (they travel through COPY or bind parameters).
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';

export interface TableName {
  schema: string;
  name: string;
}

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

/**
 * Parses "table", "schema.table", or either part double-quoted ("My Schema"."a.b").
 * Unquoted parts are case-sensitive as typed: Keyload never folds case, so what you see is what you get.
 */
export function parseTableName(input: string, defaultSchema = 'public'): TableName {
  const parts: string[] = [];
  let rest = input.trim();
  while (rest.length > 0) {
    if (rest.startsWith('"')) {
      let end = 1;
      let part = '';
      for (;;) {
        const quote = rest.indexOf('"', end);
        if (quote < 0) throw new KeyloadError(ErrorCodes.usage, `Unterminated quote in table name ${JSON.stringify(input)}`);
        part += rest.slice(end, quote);
        if (rest[quote + 1] === '"') {
          part += '"';
          end = quote + 2;
        } else {
          end = quote + 1;
          break;
        }
      }
      parts.push(part);
      rest = rest.slice(end);
    } else {
      const dot = rest.indexOf('.');
      parts.push(dot < 0 ? rest : rest.slice(0, dot));
      rest = dot < 0 ? '' : rest.slice(dot);
    }
    if (rest.startsWith('.')) rest = rest.slice(1);
    else if (rest.length > 0) throw new KeyloadError(ErrorCodes.usage, `Cannot parse table name ${JSON.stringify(input)}`);
  }
  if (parts.length === 1 && parts[0]) return { schema: defaultSchema, name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { schema: parts[0], name: parts[1] };
  throw new KeyloadError(ErrorCodes.usage, `Table name ${JSON.stringify(input)} must be "table" or "schema.table"`);
}
