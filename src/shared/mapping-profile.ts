// The mapping file format: written by the desktop app's "Save mapping", read by `--mapping-file`.
import { z } from 'zod';
import { csvOptionsSchema } from './load-options.ts';

export const mappingProfileSchema = z.object({
  version: z.literal(1),
  /** File column -> table column; null skips the file column. */
  columns: z.record(z.string(), z.string().nullable()),
  table: z.string().optional(),
  key: z.array(z.string()).optional(),
  /** How to read the CSV files (delimiter, NULL string, date format, ...); the CLI's flags win. */
  csv: csvOptionsSchema.optional(),
});

export type MappingProfile = z.infer<typeof mappingProfileSchema>;

/** Parses `--map src=dst` arguments; `src=` (empty target) skips the file column. */
export function parseMapArguments(args: string[]): Record<string, string | null> {
  const columns: Record<string, string | null> = {};
  for (const arg of args) {
    const eq = arg.lastIndexOf('=');
    if (eq <= 0) throw new Error(`--map expects source=target, got ${JSON.stringify(arg)}`);
    const target = arg.slice(eq + 1);
    columns[arg.slice(0, eq)] = target === '' ? null : target;
  }
  return columns;
}
