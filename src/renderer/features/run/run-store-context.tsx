// One RunStore for the app, listening from start-up so a run's progress is kept while the user is
// on another screen.
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { FileProgress } from '../../../shared/load-types.ts';
import { useApi } from '../../api/transport-context.tsx';
import { historyKeys } from '../history/keys.ts';
import { reportKeys } from '../report/keys.ts';
import { targetKeys } from '../target/keys.ts';
import { RunStore, type RunView } from './run-store.ts';

const RunStoreContext = createContext<RunStore | null>(null);

export function RunStoreProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [store] = useState(() => new RunStore());
  useEffect(() => store.connect(api), [store, api]);
  // A finished run changes the history, has its report now, and may have created or filled a table.
  useEffect(
    () =>
      api.on('run.finished', ({ runId }) => {
        void queryClient.invalidateQueries({ queryKey: historyKeys.all });
        void queryClient.invalidateQueries({ queryKey: reportKeys.run(runId) });
        void queryClient.invalidateQueries({ queryKey: targetKeys.all });
      }),
    [api, queryClient],
  );
  return <RunStoreContext value={store}>{children}</RunStoreContext>;
}

export function useRunStore(): RunStore {
  const store = useContext(RunStoreContext);
  if (!store) throw new Error('useRunStore needs a RunStoreProvider');
  return store;
}

/** The run last started from this window. */
export function useActiveRun(): RunView | null {
  const store = useRunStore();
  return useSyncExternalStore(store.subscribe, store.getActive);
}

export function useFileProgress(runId: string, path: string): FileProgress | undefined {
  const store = useRunStore();
  return useSyncExternalStore(store.subscribe, () => store.getFile(runId, path));
}
