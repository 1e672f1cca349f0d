// Multi-table job files (`keyload run job.yaml`): which files go into which tables, with shared
// defaults. Keyload reads the foreign keys between the tables and loads parents first.
import { z } from 'zod';
import { loadOptionsShape } from './load-options.ts';

const tableOptions = z.object(loadOptionsShape).omit({ files: true, table: true }).partial();

export const jobSchema = z.object({
  /** Options every table starts from (any `keyload load` option, by its engine name). */
  defaults: tableOptions.optional(),
  /** Table loads running at once (each with its own --concurrency); default: what the server's free connections allow. */
  parallelTables: z.number().int().min(1).max(64).optional(),
  tables: z
    .array(tableOptions.extend({ table: z.string().min(1), files: z.array(z.string().min(1)).min(1) }))
    .min(1),
});

export type JobFile = z.infer<typeof jobSchema>;
