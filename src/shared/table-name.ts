// "table", "schema.table", or either part double-quoted: how every front end and the engine read a
// table name, so that the app's screens and the engine agree on which table a name means.
import { ErrorCodes, KeyloadError } from './errors.ts';

export interface TableName {
  schema: string;
  name: string;
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
