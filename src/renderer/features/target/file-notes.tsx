// Per-file findings of the mapping: files it cannot map, and types that look incompatible.
import type { MappingSuggestion } from '../../../shared/ipc/contract.ts';
import { InlineError } from '../../ui/error-panel.tsx';
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
            <InlineError error={suggestion.error} />
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
