// Drives the engine the way the CLI does (plan, then run) against a test database.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadOptionsInput } from '../src/shared/load-options.ts';
import type { LoadEvent, LoadResult } from '../src/shared/load-types.ts';
import { planLoad, runLoad } from '../src/main/engine/index.ts';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database.ts';

export interface Harness {
  dir: string;
  /** Writes a file into the harness directory and returns its path. */
  file(name: string, content: string | Buffer): Promise<string>;
  load(options: Omit<LoadOptionsInput, 'files'> & { files: string[] }, signal?: AbortSignal, onEvent?: (event: LoadEvent) => void): Promise<LoadResult & { events: LoadEvent[] }>;
  close(): Promise<void>;
}

export async function createHarness(db: TestDatabase): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'keyload-load-'));
  const connection = { connectionString: db.url, applicationName: 'keyload-test' };
  return {
    dir,
    async file(name, content) {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    async load(options, signal, onEvent) {
      const events: LoadEvent[] = [];
      const plan = await planLoad(connection, options);
      const reportDir = await mkdtemp(join(dir, 'report-'));
      const result = await runLoad(plan, {
        reportDir,
        progressIntervalMs: 0,
        ...(signal ? { signal } : {}),
        onEvent: (event) => {
          events.push(event);
          onEvent?.(event);
        },
      });
      return { ...result, events };
    },
    close: async () => {},
  };
}

/** A database and a harness for the test file, created before its tests and dropped after them. */
export function useTestHarness(): { db: TestDatabase; h: Harness } {
  const context = {} as { db: TestDatabase; h: Harness };
  beforeAll(async () => {
    context.db = await createTestDatabase();
    context.h = await createHarness(context.db);
  });
  afterAll(async () => {
    await context.h.close();
    await context.db.drop();
  });
  return context;
}
