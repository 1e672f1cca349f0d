// Saves the mapping as a profile in the CLI's --mapping-file format.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { MappingProfile } from '../../../shared/mapping-profile.ts';
import { useApi } from '../../api/transport-context.tsx';
import { ErrorNotice } from '../../ui/error-notice.tsx';
import { targetKeys } from './keys.ts';

export function SaveProfile({ profile }: { profile: MappingProfile }) {
  const api = useApi();
  const [name, setName] = useState('');
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (input: { name: string; profile: MappingProfile }) => api['profiles.save'](input),
    // So "Load mapping profile" offers it straight away.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: targetKeys.profiles() }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ name: name.trim(), profile });
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label className="field">
        <span>Profile name</span>
        <input value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <button type="submit" disabled={name.trim() === '' || save.isPending}>
        Save mapping profile
      </button>
      {save.isSuccess && (
        <p role="status" className="text-success">
          Saved mapping profile “{save.variables.name}”.
        </p>
      )}
      <ErrorNotice error={save.error} onDismiss={save.reset} title="Could not save the mapping profile" />
    </form>
  );
}
