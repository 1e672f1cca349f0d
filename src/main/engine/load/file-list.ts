// Expands directories and puts files in load order; the order decides which duplicate wins.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import type { FileOrder } from '../../../shared/load-types.ts';

async function expand(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => {
    throw new KeyloadError(ErrorCodes.fileNotFound, 'No such file or directory', { file: path });
  });
  if (!info.isDirectory()) return [resolve(path)];
  const entries = await readdir(path, { withFileTypes: true });
  const names = entries.filter((e) => !e.name.startsWith('.')).map((e) => e.name).sort();
  return (await Promise.all(names.map((name) => expand(join(path, name))))).flat();
}

/** Directories expand recursively in name order; `name` and `mtime` reorder the whole list (stable). */
export async function listFiles(paths: string[], order: FileOrder): Promise<string[]> {
  const files = [...new Set((await Promise.all(paths.map(expand))).flat())];
  if (order === 'name') return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (order === 'mtime') {
    const times = new Map(await Promise.all(files.map(async (f) => [f, (await stat(f)).mtimeMs] as const)));
    return files.sort((a, b) => (times.get(a) ?? 0) - (times.get(b) ?? 0));
  }
  return files;
}
