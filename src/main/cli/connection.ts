// Where the CLI connects: --dsn, then DATABASE_URL, then the PG* variables libpq users expect,
// and otherwise the local embedded database.

export type ConnectionSource = 'dsn' | 'DATABASE_URL' | 'PG environment' | 'local database';

export interface ConnectionChoice {
  /** undefined means "let pg read the PG* variables". */
  connectionString: string | undefined;
  source: ConnectionSource;
}

const pgVariables = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGSERVICE'];

export function chooseConnection(dsn: string | undefined, env: NodeJS.ProcessEnv): ConnectionChoice | null {
  if (dsn) return { connectionString: dsn, source: 'dsn' };
  if (env.DATABASE_URL) return { connectionString: env.DATABASE_URL, source: 'DATABASE_URL' };
  if (pgVariables.some((name) => env[name])) return { connectionString: undefined, source: 'PG environment' };
  return null;
}

/** Hides the password in a URL or key=value connection string, for anything that gets printed. */
export function maskPassword(text: string): string {
  return text
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
    .replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1***');
}

export function describeTarget(choice: ConnectionChoice, env: NodeJS.ProcessEnv): string {
  if (choice.connectionString) return maskPassword(choice.connectionString);
  return `${env.PGUSER ?? ''}@${env.PGHOST ?? 'localhost'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? ''}`;
}
