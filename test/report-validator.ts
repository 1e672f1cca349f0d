// Validates run reports against docs/report.schema.json with Ajv: an independent check of the JSON
// the CLI and the app write, by the schema users are given rather than by the code that wrote it.
import { readFile } from 'node:fs/promises';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export const reportSchemaPath = new URL('../docs/report.schema.json', import.meta.url);

export async function reportValidator(): Promise<ValidateFunction> {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(await readFile(reportSchemaPath, 'utf8')) as object);
}
