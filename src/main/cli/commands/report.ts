// `keyload report`: one run's report, from the JSON it wrote into runs/<run id>/, in any format.
import { writeFile } from 'node:fs/promises';
import { ErrorCodes, KeyloadError } from '../../../shared/errors.ts';
import { isOneOf } from '../../../shared/vocabulary.ts';
import { REPORT_FORMATS, type ReportFormat } from '../../../shared/report-types.ts';
import { renderReport } from '../../../shared/report/render.ts';
import { readRunReport } from '../../report/run-report.ts';
import { reportFormatOf } from '../../report/write-reports.ts';
import { openHistory } from '../cli-history.ts';
import { parseCommand } from '../parse-command.ts';

export const reportUsage = `Usage: keyload report <run id|last> [--format html|json|csv|md] [--out PATH]

Writes the report of a run of the app or the command line (keyload history lists them; a run id
may be shortened to any unique prefix, and "last" is the newest run).
  --format FORMAT  html, json, csv or md (default: from --out's extension, else md)
  --out PATH       write it to PATH instead of stdout`;

function formatOf(format: string | undefined, out: string | undefined): ReportFormat {
  if (format === undefined) return out === undefined ? 'md' : reportFormatOf(out);
  if (!isOneOf(REPORT_FORMATS, format)) throw new KeyloadError(ErrorCodes.usage, `--format ${format}: one of ${REPORT_FORMATS.join(', ')}`);
  return format;
}

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('report', {
    args: argv,
    allowPositionals: true,
    options: { format: { type: 'string' }, out: { type: 'string' } },
  });
  const [ref, ...extra] = positionals;
  if (!ref || extra.length > 0) throw new KeyloadError(ErrorCodes.usage, 'Name one run: keyload report <run id|last>', { hint: 'keyload history lists the runs.' });
  const format = formatOf(values.format, values.out);
  const run = openHistory((line) => process.stderr.write(`${line}\n`)).resolve(ref);
  if (run.status === 'running') throw new KeyloadError(ErrorCodes.usage, `Run ${run.runId} is still running: its report is written when it ends`);
  const text = renderReport(await readRunReport(run.reportDir, run.runId), format);
  if (values.out === undefined) process.stdout.write(text);
  else {
    await writeFile(values.out, text);
    process.stderr.write(`report: ${values.out}\n`);
  }
  return 0;
}
