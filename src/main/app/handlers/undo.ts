// runs.undo: a run of the history taken back on the connection it ran on (a dry run first, for the
// confirmation), and marked undone in the history once it is.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { LOAD_DEFAULTS } from '../../../shared/vocabulary.ts';
import { undoOnServer } from '../../engine/index.ts';
import type { ConnectionStore } from '../../store/connections.ts';
import type { RunHistory } from '../../store/run-history.ts';
import type { HandlerImpls } from '../dispatch.ts';

export function undoHandlers(connections: ConnectionStore, history: RunHistory): Pick<HandlerImpls, 'runs.undo'> {
  return {
    'runs.undo': async ({ runId, password, dryRun, force, chain }) => {
      const run = history.get(runId);
      if (!run) throw new KeyloadError(ErrorCodes.usage, `There is no run ${runId} in the history.`);
      if (run.source === 'cli') {
        throw new KeyloadError(ErrorCodes.usage, `This run was started from the command line, on a server the app has no connection for: undo it there with keyload undo ${runId}`);
      }
      if (run.status === 'running') throw new KeyloadError(ErrorCodes.usage, 'The run is still going: cancel it first, then undo it.');
      const connectionString = await connections.connectionString(run.connectionId, password);
      // The app's runs always use the default manifest schema.
      const outcome = await undoOnServer({ connectionString, applicationName: 'keyload-app' }, { run: runId, schema: LOAD_DEFAULTS.manifestSchema, dryRun, force, chain });
      for (const step of [...outcome.chained, outcome]) {
        if (step.done) history.markUndone(step.entry.runId, step.entry.undoneAt ?? new Date().toISOString());
      }
      return outcome;
    },
  };
}
