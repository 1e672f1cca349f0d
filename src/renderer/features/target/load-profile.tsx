// Applies a saved mapping profile to the draft: its columns become the mapping choices (and its key
// the key), so the grid and the engine's suggestion start from it.
import { useId, useState } from 'react';
import { useDraftDispatch } from '../../draft/draft-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { useProfiles } from './queries.ts';

const NONE = '';

export function LoadProfile() {
  const profiles = useProfiles();
  const dispatch = useDraftDispatch();
  const [loaded, setLoaded] = useState<string | null>(null);
  const hintId = useId();
  const list = profiles.data ?? [];
  const empty = profiles.isSuccess && list.length === 0;
  const placeholder = profiles.isPending ? 'Loading profiles…' : empty ? 'No saved profiles' : 'Choose a profile';

  const load = (name: string) => {
    const chosen = list.find((candidate) => candidate.name === name);
    if (!chosen) return;
    dispatch({ type: 'profile-loaded', profile: chosen.profile });
    setLoaded(chosen.name);
  };

  return (
    <div className="inline-form">
      <label className="field">
        <span>Load mapping profile</span>
        {/* Back to the placeholder after each choice, so the same profile can be applied again after edits. */}
        <select value={NONE} disabled={list.length === 0} aria-describedby={hintId} onChange={(event) => load(event.target.value)}>
          <option value={NONE} disabled>
            {placeholder}
          </option>
          {list.map(({ name, profile }) => (
            <option key={name} value={name}>
              {profile.table ? `${name} (${profile.table})` : name}
            </option>
          ))}
        </select>
      </label>
      <p id={hintId} className="muted" role="status">
        {loaded !== null
          ? `Loaded mapping profile “${loaded}”; columns it does not name are matched again.`
          : empty
            ? 'No mapping profiles saved yet. Save this mapping to reuse it.'
            : ''}
      </p>
      <ErrorNotice error={profiles.error} title="Could not list the mapping profiles" />
    </div>
  );
}
