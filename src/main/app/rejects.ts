// A run's rejects files, for the app's rejects viewer and downloads. Only a path that run's result
// names is ever opened: the renderer (or a page on the web host) cannot read any other file.
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import type { RunHistory } from '../store/run-history.ts';

/** `path` when it is a rejects file of run `runId`, else a usage error naming neither file contents nor other runs. */
export function rejectsFileOf(history: RunHistory, runId: string, path: string): string {
  const run = history.get(runId);
  if (!run) throw new KeyloadError(ErrorCodes.usage, `There is no run ${runId} in the history.`);
  const belongs = run.result?.files.some((file) => file.rejectsFile === path) ?? false;
  if (!belongs) throw new KeyloadError(ErrorCodes.usage, `${path} is not a rejects file of this run.`, { file: path });
  return path;
}
