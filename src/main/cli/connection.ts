// Where the CLI connects: --dsn, then DATABASE_URL, then the PG* variables libpq users expect,
// and otherwise the local embedded database. A connection string is a postgres:// URL or libpq's
// keyword/value form; what is printed about it is built from its parsed parts, never from its text.
import { userInfo } from 'node:os';
import { connectionUrl, describeConnection, parseConnectionString, type ParsedConnection } from '../../shared/connection-string.ts';
import { ErrorCodes, KeyloadError } from '../../shared/errors.ts';

export type ConnectionSource = 'dsn' | 'DATABASE_URL' | 'PG environment' | 'local database';

export interface ConnectionChoice {
  /** undefined means "let pg read the PG* variables". */
  connectionString: string | undefined;
  source: ConnectionSource;
  /** user@host:port/database: what is shown, never the password. */
  display: string;
  /** Parameters of a keyword/value string that Keyload does not use. */
  unused: string[];
}

const pgVariables = ['PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGSERVICE'];

export function chooseConnection(dsn: string | undefined, env: NodeJS.ProcessEnv): ConnectionChoice | null {
  if (dsn) return fromConnectionString(dsn, 'dsn', '--dsn', env);
  if (env.DATABASE_URL) return fromConnectionString(env.DATABASE_URL, 'DATABASE_URL', 'DATABASE_URL', env);
  if (pgVariables.some((name) => env[name])) {
    const display = `${env.PGUSER ?? ''}@${env.PGHOST ?? 'localhost'}:${env.PGPORT ?? '5432'}/${env.PGDATABASE ?? ''}`;
    return { connectionString: undefined, source: 'PG environment', display, unused: [] };
  }
  return null;
}

function fromConnectionString(text: string, source: ConnectionSource, label: string, env: NodeJS.ProcessEnv): ConnectionChoice {
  const isUrl = /^\s*postgres(ql)?:\/\//i.test(text);
  let parsed: ParsedConnection;
  try {
    parsed = parseConnectionString(text);
  } catch (error) {
    // A URL only node-postgres reads (several hosts, sslmode=no-verify) is left to it, and not shown.
    if (isUrl) return { connectionString: text, source, display: 'the URL given (not shown)', unused: [] };
    throw new KeyloadError(ErrorCodes.usage, `${label} is neither a postgres:// URL nor libpq keyword=value pairs: ${(error as Error).message}`, {
      hint: "Use postgres://user:password@host:5432/database (percent-encode special characters) or host=... dbname=... user=... password='...'",
    });
  }
  rememberSecret(parsed.password);
  if (isUrl) return { connectionString: text, source, display: describeConnection(parsed), unused: [] };
  // libpq's defaults for what the string leaves out.
  const user = parsed.user ?? env.PGUSER ?? userInfo().username;
  const fields = {
    host: parsed.host ?? env.PGHOST ?? 'localhost',
    port: parsed.port ?? (Number(env.PGPORT) || 5432),
    user,
    database: parsed.database ?? env.PGDATABASE ?? user,
    password: parsed.password ?? env.PGPASSWORD ?? '',
    sslMode: parsed.sslMode,
  };
  return { connectionString: connectionUrl(fields), source, display: describeConnection(fields), unused: parsed.ignored };
}

/** Passwords met in this process, hidden wherever they might reappear (an error echoing a string). */
const secrets = new Set<string>();

function rememberSecret(password: string | undefined): void {
  // Shorter ones would blank out ordinary words; the URL and key=value patterns still hide them.
  if (password && password.length >= 4) secrets.add(password);
}

/** Hides passwords in a URL or key=value connection string, and any password seen, for anything that gets printed. */
export function maskPassword(text: string): string {
  let masked = text;
  for (const secret of secrets) masked = masked.replaceAll(secret, '***').replaceAll(encodeURIComponent(secret), '***');
  return masked
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
    .replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1***');
}

/** The local database, by the URL it gave. */
export function localDatabaseChoice(url: string): ConnectionChoice {
  const choice = fromConnectionString(url, 'local database', 'The local database URL', {});
  return { ...choice, source: 'local database' };
}
