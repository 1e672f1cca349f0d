// The draft survives a reload: kept in the renderer's localStorage, never with the passwords. A
// stored draft of another version, or one that does not parse, is dropped (and removed), so a
// change to the draft's shape means a new version here. Fields the draft gains are kept as they are.
import { storedDraftSchema } from '../../shared/stored-draft.ts';
import { initialDraft, type Draft } from './draft-state.ts';

export const draftStorageKey = 'keyload.draft';
export const draftStorageVersion = 1;
const storedDraft = storedDraftSchema(draftStorageVersion);

/** What is kept: everything but the passwords typed this session. */
function kept(draft: Draft): Omit<Draft, 'passwords' | 'passwordVersion'> {
  const { passwords: _passwords, passwordVersion: _version, ...rest } = draft;
  return rest;
}

export function saveDraft(storage: Storage, draft: Draft): void {
  try {
    storage.setItem(draftStorageKey, JSON.stringify({ version: draftStorageVersion, draft: kept(draft) }));
  } catch {
    // Full storage (a huge file list): better no stored draft than an older one coming back.
    storage.removeItem(draftStorageKey);
  }
}

/** The stored draft, or null when there is none or it is unusable (then it is removed). */
export function loadDraft(storage: Storage): Draft | null {
  const text = storage.getItem(draftStorageKey);
  if (text === null) return null;
  const parsed = storedDraft.safeParse(parseJson(text));
  if (!parsed.success) {
    storage.removeItem(draftStorageKey);
    return null;
  }
  const { draft } = parsed.data;
  return { ...initialDraft, ...draft, target: { ...initialDraft.target, ...draft.target }, passwords: {}, passwordVersion: 0 };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The browser's localStorage, or null where it is not allowed (some privacy settings throw). */
export function browserStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
