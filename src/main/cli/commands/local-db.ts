// `keyload local-db start|stop|status|url`: the persistent embedded PostgreSQL.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { localDbStatus, localDbUrl, startLocalDb, stopLocalDb, type LocalDbStatus } from '../../local-db/local-db.ts';
import { maskPassword } from '../connection.ts';

function describe(status: LocalDbStatus): string {
  if (!status.initialised) return `not created yet (it will live in ${status.dataDir})`;
  if (!status.running) return `stopped (data in ${status.dataDir})`;
  return `running on port ${status.port}, pid ${status.pid}, data in ${status.dataDir}\nurl: ${maskPassword(status.url ?? '')}`;
}

export async function localDbCommand(argv: string[]): Promise<number> {
  const action = argv[0];
  switch (action) {
    case 'start':
      console.error(`Local database ${describe(await startLocalDb())}`);
      return 0;
    case 'stop':
      console.error(`Local database ${describe(await stopLocalDb())}`);
      return 0;
    case 'status':
      console.log(`Local database ${describe(await localDbStatus())}`);
      return 0;
    case 'url':
      // The one place the password is printed: this command exists to hand the URL to psql or scripts.
      console.log(await localDbUrl());
      return 0;
    default:
      throw new KeyloadError(ErrorCodes.usage, `keyload local-db expects start, stop, status or url${action ? `, not ${JSON.stringify(action)}` : ''}`);
  }
}
