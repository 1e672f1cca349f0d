// The first time Keyload runs: what the built-in local database is, where its data lives, and that
// it is where rows go unless another connection is chosen. Dismissed once, remembered.
import { useState, type ReactNode } from 'react';
import { Loading } from '../../ui/states.tsx';
import { useLocalDatabase } from './queries.ts';

const seenKey = 'keyload.local-database-explained';

function seen(): boolean {
  try {
    return globalThis.localStorage?.getItem(seenKey) === 'yes';
  } catch {
    return false; // storage blocked: show it again, which does no harm
  }
}

export function FirstRunNotice() {
  const [hidden, setHidden] = useState(seen);
  const local = useLocalDatabase();
  if (hidden) return null;
  const dismiss = () => {
    try {
      globalThis.localStorage?.setItem(seenKey, 'yes');
    } catch {
      // not remembered; hidden for now anyway
    }
    setHidden(true);
  };
  return (
    <section className="notice notice-info first-run" aria-labelledby="first-run-heading">
      <h3 id="first-run-heading">Your built-in local database</h3>
      <p>
        Keyload comes with its own PostgreSQL server that runs on this computer only. It is the default target: rows go there unless you choose or add
        another connection. It starts by itself the first time it is needed and keeps your tables between sessions.
      </p>
      <p>
        Its data lives in <code>{local.data?.dataDir ?? 'Keyload’s data folder'}</code>.
      </p>
      <button type="button" onClick={dismiss}>
        Got it
      </button>
    </section>
  );
}

/** While a request through a connection waits; for the built-in one, it may be starting. */
export function ConnectionWait({ builtin, children }: { builtin: boolean; children: ReactNode }) {
  return builtin ? <LocalDatabaseWait>{children}</LocalDatabaseWait> : <Loading>{children}</Loading>;
}

/** While a request to the local database waits: "Starting the local database…" until it is up, then `children`. */
function LocalDatabaseWait({ children }: { children: ReactNode }) {
  const local = useLocalDatabase();
  if (local.data?.state === 'ready') return <Loading>{children}</Loading>;
  return <Loading>Starting the local database… This takes a few seconds the first time.</Loading>;
}
