// runs.* and profiles.*: starting, cancelling and looking back at loads; saved mappings.
import type { HandlerImpls } from '../dispatch.ts';
import type { RunManager } from '../run-manager.ts';
import type { ProfileStore } from '../../store/profiles.ts';
import type { RunHistory } from '../../store/run-history.ts';

export function runHandlers(runs: RunManager, history: RunHistory, profiles: ProfileStore): Pick<HandlerImpls, 'runs.start' | 'runs.cancel' | 'runs.active' | 'runs.list' | 'runs.get' | 'profiles.list' | 'profiles.save'> {
  return {
    'runs.start': async ({ connectionId, password, options }) => {
      const { runId } = await runs.start({ connectionId, password, options });
      return { runId };
    },
    'runs.cancel': async ({ runId }) => runs.cancel(runId),
    'runs.active': async () => runs.active(),
    'runs.list': async (query) => history.list(query),
    'runs.get': async ({ runId }) => history.get(runId),
    'profiles.list': async () => profiles.list(),
    'profiles.save': async ({ name, profile }) => profiles.save(name, profile),
  };
}
