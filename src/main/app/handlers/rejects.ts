// runs.rejects, runs.revealRejects, runs.saveRejects: a run's rejected rows, checked against its history.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { RunHistory } from '../../store/run-history.ts';
import type { HandlerImpls } from '../dispatch.ts';
import type { FileActions } from '../file-actions.ts';
import { readRejectsFile } from '../../engine/index.ts';
import { rejectsFileOf } from '../rejects.ts';

export function rejectsHandlers(history: RunHistory, files: FileActions | null): Pick<HandlerImpls, 'runs.rejects' | 'runs.revealRejects' | 'runs.saveRejects'> {
  const desktop = (): FileActions => {
    if (!files) throw new KeyloadError(ErrorCodes.usage, 'Revealing and saving files needs the desktop app; in a browser, download the file instead.');
    return files;
  };
  return {
    'runs.rejects': async ({ runId, path }) => readRejectsFile(rejectsFileOf(history, runId, path)),
    'runs.revealRejects': async ({ runId, path }) => desktop().reveal(rejectsFileOf(history, runId, path)),
    'runs.saveRejects': async ({ runId, path }) => ({ savedTo: await desktop().saveCopy(rejectsFileOf(history, runId, path)) }),
  };
}
