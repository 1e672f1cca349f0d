// node:util's parseArgs for a subcommand, its complaints turned into usage errors (exit 2) that
// point at the command's --help.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';

export function parseCommand<T extends ParseArgsConfig>(command: string, config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new KeyloadError(ErrorCodes.usage, (error as Error).message, { hint: `Run keyload ${command} --help for the options.` });
  }
}
