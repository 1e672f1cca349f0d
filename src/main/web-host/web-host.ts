// The same contract over HTTP, so the identical renderer runs in a browser (and in tests): bound to
// 127.0.0.1 on a random port, every API request carrying a per-launch token. Static files come from
// the built renderer; requests are POST /api/<name>, events are server-sent, dropped files upload.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, extname, join, normalize } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { timingSafeEqual } from 'node:crypto';
import { ErrorCodes, KeyloadError, type ErrorInfo } from '../../shared/errors.ts';
import { REPORT_FORMATS } from '../../shared/report-types.ts';
import { isOneOf } from '../../shared/vocabulary.ts';
import type { Reply } from '../../shared/ipc/envelope.ts';
import type { App } from '../app/app.ts';
import { toErrorInfo } from '../engine/index.ts';
import { HttpStatus, httpStatusOf, type HttpStatusCode } from './http-status.ts';

export interface WebHost {
  url: string;
  /** The address to open: includes the token. */
  launchUrl: string;
  token: string;
  close(): Promise<void>;
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Downloads are attachments: saved, never shown in the app's origin. */
const downloadTypes: Record<string, string> = {
  '.csv': 'text/csv; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const MAX_JSON_BYTES = 16 << 20;

function send(res: ServerResponse, status: HttpStatusCode, body: Reply): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** A reply as an HTTP answer: a failure's status comes from its error's code, which the body keeps. */
function reply(res: ServerResponse, body: Reply): void {
  send(res, body.ok ? HttpStatus.ok : httpStatusOf(body.error.code), body);
}

/** A failure of the host itself (not of the request's code): an HTTP-level status with the error. */
function refuse(res: ServerResponse, status: HttpStatusCode, error: ErrorInfo): void {
  send(res, status, { ok: false, error });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw new KeyloadError(ErrorCodes.usage, 'request too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch (error) {
    throw new KeyloadError(ErrorCodes.usage, `The request body is not JSON: ${toErrorInfo(error).message}`);
  }
}

/**
 * Why a request comes from another site, if it does. The token alone is not enough: a page elsewhere
 * that learnt it (a shared screenshot of the address, the browser history) could still post with it.
 * Browsers send Origin with every POST and Sec-Fetch-Site with every request; a client that sends
 * neither is no browser, and holds the token.
 */
function crossSiteReason(req: IncomingMessage, origin: string): string | undefined {
  const from = req.headers.origin;
  if (from !== undefined && from !== origin) return `Origin ${JSON.stringify(from)} is not ${origin}`;
  const site = req.headers['sec-fetch-site'];
  // 'none': the user opened the address themselves (a download link); never so for a POST.
  const allowed = req.method === 'GET' ? ['same-origin', 'none'] : ['same-origin'];
  if (site !== undefined && !(typeof site === 'string' && allowed.includes(site))) return `Sec-Fetch-Site is ${JSON.stringify(site)}`;
  return undefined;
}

/** Content-Disposition for a download: an ASCII fallback name plus the exact name (RFC 6266). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

export async function startWebHost(app: App, rendererDir: string, port = 0): Promise<WebHost> {
  const token = randomBytes(24).toString('base64url');
  const uploads = await mkdtemp(join(tmpdir(), 'keyload-uploads-'));
  let origin = '';
  const authorised = (req: IncomingMessage, url: URL): boolean => {
    const given = req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('token') ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    // Another site in the browser must not reach this server through DNS tricks: check the Host.
    if (req.headers.host !== new URL(origin).host) return refuse(res, HttpStatus.misdirectedRequest, { code: ErrorCodes.usage, message: 'wrong host' });
    if (url.pathname.startsWith('/api/')) {
      if (!authorised(req, url)) return refuse(res, HttpStatus.unauthorized, { code: ErrorCodes.usage, message: 'missing or wrong token' });
      const crossSite = crossSiteReason(req, origin);
      if (crossSite) return refuse(res, HttpStatus.forbidden, { code: ErrorCodes.forbidden, message: `cross-origin request refused: ${crossSite}` });
      return void handleApi(req, res, url).catch((error: unknown) => reply(res, { ok: false, error: toErrorInfo(error) }));
    }
    if (req.method !== 'GET') return refuse(res, HttpStatus.methodNotAllowed, { code: ErrorCodes.usage, message: 'method not allowed' });
    return void serveStatic(res, url.pathname);
  });

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = url.pathname.slice('/api/'.length);
    if (name === 'events' && req.method === 'GET') return streamEvents(req, res);
    if (name === 'download/rejects' && req.method === 'GET') return downloadRejects(res, url);
    if (name === 'download/preview-conflicts' && req.method === 'GET') return downloadPreviewConflicts(res, url);
    if (name === 'download/report' && req.method === 'GET') return downloadReport(res, url);
    if (req.method !== 'POST') return refuse(res, HttpStatus.methodNotAllowed, { code: ErrorCodes.usage, message: 'use POST' });
    if (name === 'upload') return upload(req, res, url);
    reply(res, await app.dispatch(name, await readJson(req)));
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(HttpStatus.ok, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const off = app.events.onAny((event, payload) => res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`));
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      off();
      clearInterval(ping);
    });
  }

  /** A browser cannot hand over a file's path, so dropped files are copied here first. */
  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = basename(url.searchParams.get('name') ?? 'upload').replace(/[^\w.\- ]+/g, '_') || 'upload';
    const dir = join(uploads, randomBytes(6).toString('hex'));
    await mkdir(dir);
    const path = join(dir, name);
    await pipeline(req, createWriteStream(path));
    app.chooseFiles([path]);
    reply(res, { ok: true, value: { path } });
  }

  /** A run's rejects file as a download (the browser's stand-in for "Save as…"); no other file is served. */
  async function downloadRejects(res: ServerResponse, url: URL): Promise<void> {
    await download(res, async () => app.rejectsFile(url.searchParams.get('runId') ?? '', url.searchParams.get('path') ?? ''));
  }

  /** An open preview's conflicts, written for this download. */
  async function downloadPreviewConflicts(res: ServerResponse, url: URL): Promise<void> {
    await download(res, () => app.previewConflictsFile(url.searchParams.get('previewId') ?? ''));
  }

  /** A finished run's report in the format asked for (html, json, csv or md). */
  async function downloadReport(res: ServerResponse, url: URL): Promise<void> {
    const format = url.searchParams.get('format') ?? '';
    await download(res, async () => {
      if (!isOneOf(REPORT_FORMATS, format)) throw new KeyloadError(ErrorCodes.usage, `No report format ${format}`);
      return app.reportFile(url.searchParams.get('runId') ?? '', format);
    });
  }

  /** Serves a file as an attachment, typed by its extension. */
  async function download(res: ServerResponse, locate: () => Promise<string>): Promise<void> {
    let path: string;
    let size: number;
    try {
      path = await locate();
      size = (await stat(path)).size;
    } catch (error) {
      // Whatever the reason (no such run or preview, not its file, gone from disk), nothing is served.
      return refuse(res, HttpStatus.notFound, { code: ErrorCodes.fileNotFound, message: toErrorInfo(error).message });
    }
    res.writeHead(HttpStatus.ok, {
      'content-type': downloadTypes[extname(path)] ?? 'application/octet-stream',
      'content-length': size,
      'content-disposition': attachment(basename(path)),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    // Headers are sent: a read error can only cut the download short, not become a JSON reply.
    await pipeline(createReadStream(path), res).catch(() => res.destroy());
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    const relative = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^(\.\.[/\\])+/, '');
    const file = join(rendererDir, relative);
    if (!file.startsWith(rendererDir)) return refuse(res, HttpStatus.notFound, { code: ErrorCodes.fileNotFound, message: `${pathname} not found` });
    try {
      const body = await readFile(file);
      res.writeHead(HttpStatus.ok, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp, 'x-content-type-options': 'nosniff' });
      res.end(body);
    } catch {
      refuse(res, HttpStatus.notFound, { code: ErrorCodes.fileNotFound, message: `${pathname} not found` });
    }
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  origin = `http://127.0.0.1:${actualPort}`;
  return {
    url: origin,
    launchUrl: `${origin}/?token=${token}`,
    token,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
