// The shape of a draft as the renderer keeps it across reloads (in localStorage), checked when it is
// read back: a stored draft from another version or in another shape must not crash the app.
import { z } from 'zod';
import { fileOverridesSchema } from './load-options.ts';
import { conflictPolicySchema, fileTypeSchema, LOAD_BOUNDS, writeModeSchema } from './vocabulary.ts';

const errorInfo = z.looseObject({ code: z.string(), message: z.string(), hint: z.string().optional(), file: z.string().optional(), line: z.number().optional(), column: z.string().optional() });

const fileInspection = z.looseObject({
  path: z.string(),
  sizeBytes: z.number(),
  rowEstimate: z.number().nullable(),
  format: z.string(),
  type: fileTypeSchema.nullable(),
  columns: z.array(z.looseObject({ name: z.string(), pgType: z.string() })),
  error: errorInfo.nullable(),
});

const target = z.looseObject({
  connectionId: z.string().nullable(),
  table: z.string().nullable(),
  createTable: z.boolean(),
  newTable: z.string(),
  key: z.array(z.string()),
  mode: writeModeSchema,
  conflictPolicy: conflictPolicySchema,
  versionColumn: z.string(),
  map: z.record(z.string(), z.string().nullable()),
});

/** `version` is the renderer's draft storage version: a stored draft of any other is refused. */
export function storedDraftSchema(version: number) {
  return z.object({
    version: z.literal(version),
    draft: z.looseObject({
      files: z.array(fileInspection),
      overrides: z.record(z.string(), fileOverridesSchema),
      target,
      concurrency: z.number().int().min(LOAD_BOUNDS.concurrency.min),
      internalConcurrency: z.number().int().min(LOAD_BOUNDS.internalConcurrency.min),
    }),
  });
}

