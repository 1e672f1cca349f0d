// Which Keyload the numbers belong to: the commit, any uncommitted changes, and a hash of the
// sources the CLI runs (src/main, src/shared, bin/, the lockfile; not the desktop app's renderer
// or preload), taken at the start and end of a run so a bench that ran while the engine was being
// edited says so instead of silently mixing versions.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['src/main', 'src/shared', 'bin', 'package-lock.json'];

export interface SourceState {
  commit: string;
  /** Paths among SOURCES with uncommitted changes. */
  dirty: string[];
  /** sha256 (first 12 hex digits) of every file under SOURCES, names and contents. */
  hash: string;
}

function git(args: string[]): string | null {
  const result = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return result.status === 0 ? result.stdout : null;
}

function files(path: string): string[] {
  if (!statSync(join(ROOT, path)).isDirectory()) return [path];
  return readdirSync(join(ROOT, path), { recursive: true, encoding: 'utf8' })
    .map((name) => join(path, name))
    .filter((name) => statSync(join(ROOT, name)).isFile());
}

export function sourceState(): SourceState {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap(files).sort()) hash.update(`${file}\0`).update(readFileSync(join(ROOT, file)));
  const status = git(['status', '--porcelain', '--', ...SOURCES]) ?? '';
  return {
    commit: git(['rev-parse', '--short', 'HEAD'])?.trim() ?? 'unknown',
    dirty: status.split('\n').filter(Boolean).map((line) => line.slice(3)),
    hash: hash.digest('hex').slice(0, 12),
  };
}

export function describeSource(state: SourceState): string {
  const dirty = state.dirty.length ? `, uncommitted changes in ${state.dirty.join(', ')}` : '';
  return `commit ${state.commit}${dirty} (source hash ${state.hash})`;
}
