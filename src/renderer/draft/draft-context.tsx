// The draft lives above the screens so switching screens keeps it.
import { createContext, useContext, useReducer, type Dispatch, type ReactNode } from 'react';
import { draftReducer, initialDraft, type Draft, type DraftAction } from './draft-state.ts';

const DraftContext = createContext<Draft>(initialDraft);
const DispatchContext = createContext<Dispatch<DraftAction>>(() => {
  throw new Error('useDraftDispatch needs a DraftProvider');
});

export function DraftProvider({ initial = initialDraft, children }: { initial?: Draft; children: ReactNode }) {
  const [draft, dispatch] = useReducer(draftReducer, initial);
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
