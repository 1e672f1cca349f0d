// Per-file findings of the mapping: files it cannot map, and types that look incompatible.
import { formatError } from '../../../shared/errors.ts';
import type { MappingSuggestion } from '../../../shared/ipc/contract.ts';
import { fileName } from '../../ui/format.ts';

export function FileNotes({ suggestions }: { suggestions: MappingSuggestion[] }) {
  const noted = suggestions.filter((suggestion) => suggestion.error || suggestion.warnings.length > 0);
  if (noted.length === 0) return null;
  return (
    <ul className="file-notes" aria-label="Mapping problems and warnings">
      {noted.map((suggestion) => (
        <li key={suggestion.path}>
          <strong>{fileName(suggestion.path)}</strong>
          {suggestion.error && (
            <p className="inline-error">
              <code>{suggestion.error.code}</code> {formatError(suggestion.error)}
            </p>
          )}
          {suggestion.warnings.map((warning) => (
            <p key={warning} className="text-warning">
              Type warning: {warning}
            </p>
          ))}
        </li>
      ))}
    </ul>
  );
}
