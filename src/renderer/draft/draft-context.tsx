// The draft lives above the screens so switching screens keeps it, and in the browser's storage so
// a reload keeps it too (see draft-storage.ts).
import { createContext, useContext, useEffect, useReducer, type Dispatch, type ReactNode } from 'react';
import { browserStorage, loadDraft, saveDraft } from './draft-storage.ts';
import { draftReducer, initialDraft, type Draft, type DraftAction } from './draft-state.ts';

const DraftContext = createContext<Draft>(initialDraft);
const DispatchContext = createContext<Dispatch<DraftAction>>(() => {
  throw new Error('useDraftDispatch needs a DraftProvider');
});

interface DraftProviderProps {
  /** A draft to start from (tests); then nothing is read from or written to storage. */
  initial?: Draft;
  /** Default: the browser's localStorage, unless `initial` is given. */
  storage?: Storage | null;
  children: ReactNode;
}

export function DraftProvider({ initial, storage = initial ? null : browserStorage(), children }: DraftProviderProps) {
  const [draft, dispatch] = useReducer(draftReducer, null, () => initial ?? (storage && loadDraft(storage)) ?? initialDraft);
  useEffect(() => {
    if (storage) saveDraft(storage, draft);
  }, [storage, draft]);
  return (
    <DispatchContext value={dispatch}>
      <DraftContext value={draft}>{children}</DraftContext>
    </DispatchContext>
  );
}

export function useDraft(): Draft {
  return useContext(DraftContext);
}

export function useDraftDispatch(): Dispatch<DraftAction> {
  return useContext(DispatchContext);
}
