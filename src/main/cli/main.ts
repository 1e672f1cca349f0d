// The keyload command line. Every failure ends as one line on stderr and a documented exit code:
// 0 all loaded, 3 loaded with rejected rows, 1 failed, 2 usage error.
import { ErrorCodes, KeyloadError, formatError } from '../../shared/errors.ts';
import { toErrorInfo } from '../engine/index.ts';
import { maskPassword } from './connection.ts';
import { loadUsage } from './load-args.ts';

const usage = `Usage: keyload <command> [options]

Commands:
  load [options] <files or dirs...>   load CSV and Parquet files into a table (keyload load --help)
  preview [options] <files or dirs...> what a load would do, and every conflicting key (writes nothing)
  run <job.yaml>                      load several tables, parents first (docs/jobs.md)
  history [--limit N] [--json]        the runs of the app and the CLI, newest first
  report <run id|last> [--format F]   a run's report as html, json, csv or md (keyload report --help)
  undo <run id|last> [--dry-run]      take back a run that kept undo state (keyload undo --help)
  clean [--dry-run]                   drop the staging tables of runs that died (keyload clean --help)
  demo                                write sample files and load them into the local database
  app [--no-open] [--port N]          the desktop app's screens in your browser (localhost only)
  local-db start|stop|status|url      manage the local embedded PostgreSQL

Exit codes: 0 all loaded, 3 loaded with rejected rows, 1 failed, 2 usage error.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage);
    return command ? 0 : 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const help: Record<string, () => Promise<string>> = {
      load: async () => loadUsage,
      preview: async () => (await import('./commands/preview.ts')).previewUsage,
      run: async () => (await import('./commands/run-job.ts')).runUsage,
      clean: async () => (await import('./commands/clean.ts')).cleanUsage,
      history: async () => (await import('./commands/history.ts')).historyUsage,
      report: async () => (await import('./commands/report.ts')).reportUsage,
      undo: async () => (await import('./commands/undo.ts')).undoUsage,
    };
    console.log(await (help[command] ?? (async () => usage))());
    return 0;
  }
  // Commands load their modules on demand: start-up time counts for every short load.
  switch (command) {
    case 'load':
      return (await import('./commands/load.ts')).loadCommand(rest);
    case 'preview':
      return (await import('./commands/preview.ts')).previewCommand(rest);
    case 'run':
      return (await import('./commands/run-job.ts')).runJobCommand(rest);
    case 'app':
      return (await import('./commands/app.ts')).appCommand(rest);
    case 'history':
      return (await import('./commands/history.ts')).historyCommand(rest);
    case 'report':
      return (await import('./commands/report.ts')).reportCommand(rest);
    case 'undo':
      return (await import('./commands/undo.ts')).undoCommand(rest);
    case 'clean':
      return (await import('./commands/clean.ts')).cleanCommand(rest);
    case 'demo':
      return (await import('./commands/demo.ts')).demoCommand(rest);
    case 'local-db':
      return (await import('./commands/local-db.ts')).localDbCommand(rest);
    default:
      throw new KeyloadError(ErrorCodes.usage, `Unknown command ${JSON.stringify(command)}`, { hint: 'Run keyload --help.' });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const info = toErrorInfo(error);
    process.stderr.write(`keyload: ${maskPassword(formatError(info))}\n`);
    if (process.env.KEYLOAD_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = info.code === ErrorCodes.usage ? 2 : 1;
  },
);
