// `keyload preview`: the same arguments as `load`; reports what the load would do, writes nothing.
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { closeReaderPool, PreviewSession, writeConflictsCsv } from '../../engine/index.ts';
import { parseLoadArgs } from '../load-args.ts';
import { previewReport } from '../preview-report.ts';
import { ProgressView } from '../progress-view.ts';
import { resolveConnection } from './load.ts';

const SAMPLE_SIZE = 20;

export const previewUsage = `Usage: keyload preview [load options] [--conflicts-csv PATH] <files or directories...>

Takes the same options as keyload load and writes nothing to the table: reports per file what the
load would insert, update, leave unchanged, collapse and reject; which keys collide within files,
across files (and in which columns) and with the table; and which version wins.
  --conflicts-csv PATH   write every conflicting key with all its versions to a CSV file
  --json                 print the full result (docs/preview.md) on stdout`;

/** Splits off --conflicts-csv, the one option `preview` has beyond `load`'s. */
function takeConflictsCsv(argv: string[]): { rest: string[]; path: string | undefined } {
  const at = argv.indexOf('--conflicts-csv');
  if (at < 0) return { rest: argv, path: undefined };
  const path = argv[at + 1];
  if (!path || path.startsWith('--')) throw new KeyloadError(ErrorCodes.usage, '--conflicts-csv needs a path');
  return { rest: [...argv.slice(0, at), ...argv.slice(at + 2)], path };
}

export async function previewCommand(argv: string[]): Promise<number> {
  const { rest, path: csvPath } = takeConflictsCsv(argv);
  const request = await parseLoadArgs(rest);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const connection = await resolveConnection(request.dsn, log);
  const view = new ProgressView({ write: (text) => process.stderr.write(text), isTTY: process.stderr.isTTY, columns: process.stderr.columns });
  const preview = await PreviewSession.open(connection, request.options, { onEvent: (event) => view.handle(event) });
  try {
    const summary = await preview.summary();
    const samples = await preview.conflicts({ limit: SAMPLE_SIZE });
    log(previewReport(summary, samples.entries));
    if (csvPath) log(`conflicts: ${await writeConflictsCsv(preview, csvPath)} key(s) written to ${csvPath}`);
    if (request.json) process.stdout.write(`${JSON.stringify({ ...summary, samples }, null, 2)}\n`);
    return summary.files.some((f) => f.status === 'failed') ? 1 : 0;
  } finally {
    await preview.close();
    await closeReaderPool();
  }
}
