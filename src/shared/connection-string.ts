// A pasted PostgreSQL connection string, read into the fields of a saved connection: either a URL
// (postgres://user:password@host:port/database?sslmode=require) or libpq's keyword/value form
// (host=db port=5432 dbname=sales user=ann password='it''s'), and the URL node-postgres connects
// with. No message here ever quotes the text: a malformed string may hold a password anywhere.
import { ErrorCodes, KeyloadError } from './errors.ts';

export const sslModes = ['disable', 'prefer', 'require', 'verify-full'] as const;
export type SslMode = (typeof sslModes)[number];

export interface ParsedConnection {
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  sslMode?: SslMode;
  /** Parameters Keyload does not use (application_name, connect_timeout, ...), by name. */
  ignored: string[];
}

type Field = Exclude<keyof ParsedConnection, 'ignored'>;

/** libpq's parameter names (URL query and keyword/value) for each field. */
const parameterFields: Record<string, Field> = {
  host: 'host',
  hostaddr: 'host',
  port: 'port',
  dbname: 'database',
  user: 'user',
  password: 'password',
  sslmode: 'sslMode',
};

function fail(message: string): KeyloadError {
  return new KeyloadError(ErrorCodes.usage, message, { hint: 'Paste a URL like postgres://user@host:5432/database, or host=... dbname=... user=...' });
}

export function parseConnectionString(text: string): ParsedConnection {
  const trimmed = text.trim();
  if (trimmed === '') throw fail('The connection string is empty');
  return /^postgres(ql)?:\/\//i.test(trimmed) ? parseUrl(trimmed) : parseKeywords(trimmed);
}

function parseUrl(text: string): ParsedConnection {
  // The URL class would treat the path and host of an unknown scheme loosely; split by hand instead.
  const match = /^postgres(?:ql)?:\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?(?:#.*)?$/i.exec(text);
  if (!match) throw fail('This connection URL cannot be read');
  const [, userInfo, hostPort = '', path, query] = match;
  const parsed: ParsedConnection = { ignored: [] };
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(':');
    setField(parsed, 'user', decode(colon < 0 ? userInfo : userInfo.slice(0, colon), 'user name'));
    if (colon >= 0) setField(parsed, 'password', decode(userInfo.slice(colon + 1), 'password'));
  }
  if (hostPort.includes(',')) throw fail('The URL names several hosts; Keyload connects to one');
  const hostMatch = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostPort);
  const host = hostMatch?.[1] ?? '';
  if (host !== '') setField(parsed, 'host', decode(host.startsWith('[') ? host.slice(1, -1) : host, 'host'));
  if (hostMatch?.[2] !== undefined && hostMatch[2] !== '') setField(parsed, 'port', hostMatch[2]);
  if (path) setField(parsed, 'database', decode(path, 'database name'));
  for (const pair of (query ?? '').split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decode(equals < 0 ? pair : pair.slice(0, equals), 'parameter');
    setParameter(parsed, name, decode(equals < 0 ? '' : pair.slice(equals + 1).replaceAll('+', ' '), name));
  }
  return parsed;
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw fail(`The ${what} in the URL has a broken percent-encoding`);
  }
}

/** libpq's rules: keyword = value pairs separated by spaces; a value is bare or in single quotes, with \ escaping. */
function parseKeywords(text: string): ParsedConnection {
  const parsed: ParsedConnection = { ignored: [] };
  let at = 0;
  const skipSpaces = () => {
    while (at < text.length && /\s/.test(text.charAt(at))) at += 1;
  };
  for (skipSpaces(); at < text.length; skipSpaces()) {
    const keyword = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at))?.[0];
    if (!keyword) throw fail(`Expected a keyword such as host= at character ${at + 1}`);
    const where = keywordLabel(keyword, at);
    at += keyword.length;
    skipSpaces();
    if (text[at] !== '=') throw fail(`Missing "=" after ${where}`);
    at += 1;
    skipSpaces();
    let value = '';
    if (text[at] === "'") {
      at += 1;
      for (;;) {
        const char = text[at];
        if (char === undefined) throw fail(`Unterminated quoted value for ${where}`);
        at += 1;
        if (char === "'") break;
        if (char === '\\' && at < text.length) {
          value += text.charAt(at);
          at += 1;
        } else value += char;
      }
    } else {
      while (at < text.length && !/\s/.test(text.charAt(at))) {
        if (text[at] === '\\' && at + 1 < text.length) at += 1;
        value += text.charAt(at);
        at += 1;
      }
    }
    setParameter(parsed, keyword.toLowerCase(), value);
  }
  return parsed;
}

/** A word that is no libpq keyword may be a piece of a password (an unquoted value with spaces): not quoted. */
function keywordLabel(keyword: string, at: number): string {
  return libpqKeywords.has(keyword.toLowerCase()) ? keyword : `the keyword at character ${at + 1}`;
}

const libpqKeywords = new Set([
  ...Object.keys(parameterFields),
  ...['passfile', 'channel_binding', 'connect_timeout', 'client_encoding', 'options', 'application_name', 'fallback_application_name', 'keepalives'],
  ...['keepalives_idle', 'keepalives_interval', 'keepalives_count', 'tcp_user_timeout', 'replication', 'gssencmode', 'sslnegotiation', 'sslcompression'],
  ...['sslcert', 'sslkey', 'sslpassword', 'sslcertmode', 'sslrootcert', 'sslcrl', 'sslcrldir', 'sslsni', 'requirepeer', 'ssl_min_protocol_version'],
  ...['ssl_max_protocol_version', 'krbsrvname', 'gsslib', 'gssdelegation', 'service', 'target_session_attrs', 'load_balance_hosts', 'require_auth'],
]);

function setParameter(parsed: ParsedConnection, name: string, value: string): void {
  const field = parameterFields[name];
  if (field) setField(parsed, field, value);
  else if (!parsed.ignored.includes(name)) parsed.ignored.push(name);
}

function setField(parsed: ParsedConnection, field: Field, value: string): void {
  if (field === 'port') {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw fail(`The port "${value}" is not a number from 1 to 65535`);
    parsed.port = port;
  } else if (field === 'sslMode') {
    parsed.sslMode = sslModeOf(value);
  } else {
    parsed[field] = value;
  }
}

function sslModeOf(value: string): SslMode {
  const known = sslModes.find((mode) => mode === value);
  if (known) return known;
  // libpq's other modes, as the nearest one Keyload offers that is no less safe.
  if (value === 'allow') return 'prefer';
  if (value === 'verify-ca') return 'verify-full';
  throw fail(`Unknown sslmode "${value}": use disable, prefer, require or verify-full`);
}

export interface ConnectionFields {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Absent: node-postgres's default (no SSL unless PGSSLMODE says otherwise). */
  sslMode?: SslMode | undefined;
}

/**
 * The URL node-postgres connects with, from a connection's fields: the app's saved connections and
 * the CLI's keyword/value --dsn both connect through it.
 */
export function connectionUrl(fields: ConnectionFields): string {
  // An IPv6 address goes in brackets; anything else (a name, a socket directory) percent-encoded.
  const host = fields.host.includes(':') && !fields.host.startsWith('[') ? `[${fields.host}]` : encodeURIComponent(fields.host);
  // uselibpqcompat: sslmode means what it means for psql; otherwise node-postgres treats 'require' as 'verify-full'.
  const query = fields.sslMode === undefined ? '' : fields.sslMode === 'disable' ? '?sslmode=disable' : `?sslmode=${fields.sslMode}&uselibpqcompat=true`;
  return `postgres://${encodeURIComponent(fields.user)}:${encodeURIComponent(fields.password)}@${host}:${fields.port}/${databasePath(fields.database)}${query}`;
}

/**
 * node-postgres decodes the database with decodeURI, which leaves %2F, %3A, %40, ... encoded, so
 * those characters go in raw (they are legal in a URL path). A name that still does not come back
 * intact ('?', '#', or a '.'/'..' segment the URL parser resolves) cannot be sent in a URL at all.
 */
function databasePath(database: string): string {
  const encoded = encodeURIComponent(database).replace(/%(2F|3A|40|26|3D|2B|24|2C|3B)/g, (escape) => decodeURIComponent(escape));
  if (decodeURI(new URL(`postgres://host/${encoded}`).pathname.slice(1)) !== database) {
    throw new KeyloadError(ErrorCodes.connection, `The database name ${JSON.stringify(database)} cannot be used in a connection URL`, {
      hint: "Rename the database without '?', '#' or '.' path segments",
    });
  }
  return encoded;
}

/** user@host:port/database, for anything that is shown: never the password. */
export function describeConnection(parsed: Pick<ParsedConnection, 'user' | 'host' | 'port' | 'database'>): string {
  const user = parsed.user === undefined ? '' : `${parsed.user}@`;
  const host = parsed.host?.includes(':') ? `[${parsed.host}]` : (parsed.host ?? 'localhost');
  return `${user}${host}:${parsed.port ?? 5432}/${parsed.database ?? parsed.user ?? ''}`;
}
