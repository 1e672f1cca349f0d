// runs.check: the engine's dry run for the Preview step. It plans every file as a run would (the
// target, key and mapping are checked, files already loaded are found) and writes nothing, so it is
// no run: it gets no history record and no events, just its answer.
import { randomUUID } from 'node:crypto';
import type { ConnectionStore } from '../../store/connections.ts';
import type { HandlerImpls } from '../dispatch.ts';
import { startEngineRun } from '../engine-host.ts';

export function planCheckHandlers(connections: ConnectionStore, reportDir: string): Pick<HandlerImpls, 'runs.check'> {
  return {
    'runs.check': async ({ connectionId, password, options }) => {
      const connectionString = await connections.connectionString(connectionId, password);
      return startEngineRun(randomUUID(), { connectionString, applicationName: 'keyload-app' }, { ...options, dryRun: true }, reportDir, () => {}).result;
    },
  };
}
