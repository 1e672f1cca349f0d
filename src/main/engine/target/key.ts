// Chooses the conflict key and checks a unique index backs it, because ON CONFLICT needs one.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { displayName, quoteIdent } from '../sql/identifiers.ts';
import type { TargetTable } from './introspect.ts';

export function resolveKey(table: TargetTable, requested: string[] | undefined): string[] {
  const names = new Set(table.columns.map((c) => c.name));
  if (requested && requested.length > 0) {
    for (const column of requested) {
      if (!names.has(column)) throw new KeyloadError(ErrorCodes.keyMissing, `Key column "${column}" does not exist in ${displayName(table)}`);
    }
    const wanted = new Set(requested);
    const backed = table.uniqueKeys.some((k) => k.columns.length === wanted.size && k.columns.every((c) => wanted.has(c)));
    if (!backed) {
      throw new KeyloadError(ErrorCodes.keyNotUnique, `No unique index on ${displayName(table)} (${requested.join(', ')}) backs the key`, {
        hint: `CREATE UNIQUE INDEX ON ${quoteIdent(table.schema)}.${quoteIdent(table.name)} (${requested.map(quoteIdent).join(', ')}); or load with --mode append.`,
      });
    }
    return requested;
  }
  const primary = table.uniqueKeys.find((k) => k.primary);
  if (primary) return primary.columns;
  throw new KeyloadError(ErrorCodes.keyMissing, `${displayName(table)} has no primary key`, {
    hint: 'Name a uniquely indexed key with --key a,b, or load with --mode append.',
  });
}
