// Where Keyload keeps its per-user data: the local database, and later run history and settings.
import { homedir } from 'node:os';
import path from 'node:path';

export interface UserDataDirInput {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  homedir: string;
}

/**
 * The pure rule, for any platform: KEYLOAD_HOME when set; otherwise the platform's usual place for
 * per-user application data.
 */
export function resolveUserDataDir({ platform, env, homedir: home }: UserDataDirInput): string {
  const override = env.KEYLOAD_HOME;
  if (override) return override;
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'Keyload');
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Keyload');
  // Linux and other Unixes follow the XDG base directory spec, which says relative paths are invalid.
  const xdg = env.XDG_DATA_HOME;
  const dataHome = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
  return path.posix.join(dataHome, 'keyload');
}

/** This user's Keyload data directory (absolute). */
export function userDataDir(): string {
  return path.resolve(resolveUserDataDir({ platform: process.platform, env: process.env, homedir: homedir() }));
}
