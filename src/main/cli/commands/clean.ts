// `keyload clean`: drops what dead runs left behind (their staging tables), says how much space
// that freed, and lists the files they left partly loaded (a plain re-run resumes those).
import { LOAD_DEFAULTS } from '../../../shared/vocabulary.ts';
import { cleanLeftovers, type CleanReport } from '../../engine/index.ts';
import { formatBytes } from '../format.ts';
import { parseCommand } from '../parse-command.ts';
import { resolveConnection } from './load.ts';

export const cleanUsage = `Usage: keyload clean [--dsn URL] [--manifest-schema NAME] [--dry-run] [--json]

Drops the staging tables (s_<run>_...) of runs that are no longer alive (killed, or whose
connection broke), reports the space freed, and lists the files such runs left partly loaded
(a plain re-run of the same load resumes them). Staging tables of live runs are left alone.
  --dsn URL               the server, as for keyload load (else DATABASE_URL, PG*, the local database)
  --manifest-schema NAME  schema of keyload_manifest and the staging tables (default ${LOAD_DEFAULTS.manifestSchema})
  --dry-run               list what would be dropped; drop nothing
  --json                  print the report as JSON on stdout`;

function parse(argv: string[]) {
  return parseCommand('clean', {
    args: argv,
    options: { dsn: { type: 'string' }, 'manifest-schema': { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  }).values;
}

function tables(n: number): string {
  return `${n} staging table${n === 1 ? '' : 's'}`;
}

export function cleanSummary(report: CleanReport): string {
  const bytes = report.dead.reduce((n, g) => n + g.bytes, 0);
  const count = report.dead.reduce((n, g) => n + g.tables.length, 0);
  const verb = report.dryRun ? 'would drop' : 'dropped';
  const lines = report.dead.map((g) => `run ${g.tag} (not running): ${verb} ${tables(g.tables.length)}, ${formatBytes(g.bytes)}`);
  lines.push(...report.live.map((g) => `run ${g.tag} is running: left its ${tables(g.tables.length)} (${formatBytes(g.bytes)}) alone`));
  lines.push(...report.interrupted.map((f) => `${f.path}: partly loaded into ${f.targetTable} (${f.committedRows} rows committed) by a run that ended; a re-run resumes it`));
  lines.push(count === 0 ? 'Nothing to clean: no staging table of a dead run' : `${report.dryRun ? 'Would free' : 'Freed'} ${formatBytes(bytes)} (${tables(count)} of ${report.dead.length} dead run${report.dead.length === 1 ? '' : 's'})`);
  return lines.join('\n');
}

export async function cleanCommand(argv: string[]): Promise<number> {
  const values = parse(argv);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const connection = await resolveConnection(values.dsn, log);
  const report = await cleanLeftovers(connection, { schema: values['manifest-schema'] ?? LOAD_DEFAULTS.manifestSchema, dryRun: values['dry-run'] ?? false });
  log(cleanSummary(report));
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}
