// Reads a job file (JSON or YAML) and turns each table entry into load options; file paths are
// relative to the job file.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { jobSchema, type JobFile } from '../../../shared/job.ts';
import type { LoadOptionsInput } from '../../../shared/load-options.ts';

export interface Job {
  path: string;
  parallelTables: number | undefined;
  tables: LoadOptionsInput[];
}

export async function readJobFile(path: string): Promise<Job> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new KeyloadError(ErrorCodes.fileNotFound, 'Cannot read the job file', { file: path });
  });
  let data: unknown;
  try {
    data = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new KeyloadError(ErrorCodes.usage, `The job file is not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'}: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`, { file: path });
  }
  const parsed = jobSchema.safeParse(data);
  if (!parsed.success) {
    throw new KeyloadError(ErrorCodes.usage, `Invalid job file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { file: path });
  }
  return toJob(path, parsed.data);
}

function toJob(path: string, job: JobFile): Job {
  const base = dirname(resolve(path));
  return {
    path,
    parallelTables: job.parallelTables,
    tables: job.tables.map((entry) => ({
      ...job.defaults,
      ...entry,
      files: entry.files.map((f) => (isAbsolute(f) ? f : resolve(base, f))),
    })),
  };
}
