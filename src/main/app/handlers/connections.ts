// Saved connections, the built-in local database, and "Test connection".
import { availableParallelism } from 'node:os';
import type { ConnectionTest, SystemInfo } from '../../../shared/ipc/contract.ts';
import { LOAD_DEFAULTS } from '../../../shared/vocabulary.ts';
import { fitBudget, freeConnections } from '../../engine/index.ts';
import type { ConnectionStore } from '../../store/connections.ts';
import type { HandlerImpls } from '../dispatch.ts';
import { withClient } from '../with-client.ts';

/** Two files per core keeps both the parser threads and the server busy; more only waits. */
export function recommendedConcurrency(cores: number, free: number): ConnectionTest['recommended'] {
  const { concurrency, internalConcurrency } = fitBudget({ concurrency: Math.max(1, Math.min(8, cores * 2)), internalConcurrency: LOAD_DEFAULTS.internalConcurrency }, free);
  return { concurrency, internalConcurrency };
}

export function connectionHandlers(
  connections: ConnectionStore,
  system: Omit<SystemInfo, 'cores'>,
): Pick<HandlerImpls, 'system.info' | 'connections.list' | 'connections.save' | 'connections.remove' | 'connections.test' | 'connections.local'> {
  return {
    'system.info': async () => ({ ...system, cores: availableParallelism() }),
    'connections.list': async () => connections.list(),
    'connections.save': async (input) => connections.save(input),
    'connections.remove': async ({ id }) => connections.remove(id),
    'connections.local': async () => connections.localDatabase(),
    'connections.test': async ({ connectionId, password }) =>
      withClient(await connections.connectionString(connectionId, password), async (client) => {
        const version = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
        const free = await freeConnections(client);
        return { serverVersion: version.rows[0]?.v ?? 'unknown', freeConnections: free, recommended: recommendedConcurrency(availableParallelism(), free) };
      }),
  };
}
