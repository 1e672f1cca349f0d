// The files the user chose in this session: dropped or picked in the desktop app, uploaded to the web
// host, and what is inside a dropped folder. Only these are read on request; a caller that only holds
// the web host's token (or a page that lost its integrity) cannot name any other file on the disk.
import { resolve, sep } from 'node:path';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';
import type { HandlerName } from '../../shared/ipc/contract.ts';

export class ChosenFiles {
  private readonly chosen = new Set<string>();
  /** Paths chosen in an earlier session that may be read again (a past run's files, for "Run again"). */
  private readonly earlier: (path: string) => boolean;

  constructor(earlier: (path: string) => boolean = () => false) {
    this.earlier = earlier;
  }

  /** A file or folder the user chose; a folder allows everything under it. */
  add(path: string): void {
    this.chosen.add(resolve(path));
  }

  has(path: string): boolean {
    if (this.earlier(path)) return true;
    // resolve() folds "..", so a path that climbs out of a chosen folder is not under it.
    for (let at = resolve(path); ; ) {
      if (this.chosen.has(at)) return true;
      const parent = at.slice(0, Math.max(at.lastIndexOf(sep), 1));
      if (parent === at) return false;
      at = parent;
    }
  }

  /** Throws for the first path the user did not choose. */
  check(paths: readonly string[]): void {
    const refused = paths.find((path) => !this.has(path));
    if (refused !== undefined) {
      throw new KeyloadError(ErrorCodes.forbidden, `${refused} was not chosen in this session, so Keyload does not read it`, {
        file: refused,
        hint: 'Add the file again (drop it or pick it) on the Files step',
      });
    }
  }
}

/** The files a request would read, for the requests that read files. */
export function pathsRead(name: HandlerName, input: unknown): string[] {
  const given = input as { paths?: string[]; path?: string; files?: string[]; options?: { files?: string[] } };
  switch (name) {
    case 'files.inspect':
    case 'files.proposeColumns':
      return given.paths ?? [];
    case 'files.preview':
      return given.path === undefined ? [] : [given.path];
    case 'mapping.suggest':
      return given.files ?? [];
    case 'runs.start':
    case 'runs.check':
    case 'preview.open':
      return given.options?.files ?? [];
    default:
      return [];
  }
}
