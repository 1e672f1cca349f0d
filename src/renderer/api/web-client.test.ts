// @vitest-environment happy-dom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ErrorCodes } from '../../shared/errors.ts';
import { encodeBridgeError } from '../../shared/ipc/envelope.ts';
import type { LoadEvent } from '../../shared/load-types.ts';
import { ApiError, toErrorInfo } from './api-error.ts';
import { createTransport } from './transport.ts';
import { createWebClient } from './web-client.ts';
import { takeToken } from './web-token.ts';

interface Sent {
  url: string;
  init: RequestInit;
}

function fakeFetch(reply: (sent: Sent) => Response) {
  const sent: Sent[] = [];
  const fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
    const request = { url: String(url), init };
    sent.push(request);
    return reply(request);
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

class FakeEventSource {
  static opened: FakeEventSource[] = [];
  readonly url: string;
  private readonly listeners = new Map<string, ((message: MessageEvent) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.opened.push(this);
  }

  addEventListener(type: string, listener: (message: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  push(type: string, payload: unknown) {
    for (const listener of this.listeners.get(type) ?? []) listener(new MessageEvent(type, { data: JSON.stringify(payload) }));
  }
}

afterEach(() => {
  FakeEventSource.opened = [];
  sessionStorage.clear();
  vi.unstubAllGlobals();
});

describe('web client', () => {
  test('a request with no result resolves, although JSON leaves the value out of the reply', async () => {
    const { fetch } = fakeFetch(() => json({ ok: true, value: undefined }));
    const { api } = createWebClient({ token: 't0k', fetch });

    await expect(api['profiles.save']({ name: 'orders', profile: { version: 1, columns: {} } })).resolves.toBeUndefined();
  });

  test('posts the JSON input with the token and resolves to the value', async () => {
    const { fetch, sent } = fakeFetch(() => json({ ok: true, value: [{ schema: 'public', name: 'orders' }] }));
    const { api } = createWebClient({ token: 't0k', fetch });

    await expect(api['tables.list']({ connectionId: 'local' })).resolves.toEqual([{ schema: 'public', name: 'orders' }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe('/api/tables.list');
    expect(sent[0]?.init.method).toBe('POST');
    expect(sent[0]?.init.headers).toMatchObject({ Authorization: 'Bearer t0k', 'Content-Type': 'application/json' });
    expect(JSON.parse(String(sent[0]?.init.body))).toEqual({ connectionId: 'local' });
  });

  test('rejects with the main side’s error code and message', async () => {
    const error = { code: ErrorCodes.tableNotFound, message: 'table "nope" does not exist', hint: 'Check the schema.' };
    const { fetch } = fakeFetch(() => json({ ok: false, error }, 400));
    const { api } = createWebClient({ token: 't', fetch });

    const failure = await api['tables.describe']({ connectionId: 'local', table: 'nope' }).catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(ApiError);
    expect(toErrorInfo(failure)).toEqual(error);
  });

  test('explains answers that are not the envelope, and unreachable hosts', async () => {
    const refused = createWebClient({ token: 'old', fetch: fakeFetch(() => new Response('Unauthorized', { status: 401 })).fetch });
    await expect(refused.api['connections.list']({})).rejects.toThrow(/refused the access token/);

    const down = createWebClient({
      token: 't',
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const failure = await down.api['connections.list']({}).catch((caught: unknown) => caught);
    expect(toErrorInfo(failure)).toEqual({ code: ErrorCodes.internal, message: 'The Keyload web host cannot be reached: Failed to fetch' });
  });

  test('streams an upload with the file name and resolves to the stored path', async () => {
    const { fetch, sent } = fakeFetch(() => json({ ok: true, value: { path: '/tmp/keyload-uploads/a b.csv' } }));
    const client = createWebClient({ token: 't', fetch });
    const file = new File(['id\n1\n'], 'a b.csv');

    await expect(client.upload(file)).resolves.toBe('/tmp/keyload-uploads/a b.csv');
    expect(sent[0]?.url).toBe('/api/upload?name=a%20b.csv');
    expect(sent[0]?.init.body).toBe(file);
    expect(sent[0]?.init.headers).toMatchObject({ Authorization: 'Bearer t' });
  });

  test('delivers Server-Sent Events from one stream until unsubscribed', () => {
    const { api } = createWebClient({ token: 'a&b', fetch: fakeFetch(() => json({})).fetch, EventSource: FakeEventSource as unknown as typeof EventSource });
    const events: LoadEvent[] = [];
    const finished: string[] = [];

    const stop = api.on('run.event', ({ event }) => events.push(event));
    api.on('run.finished', ({ status }) => finished.push(status));
    const source = FakeEventSource.opened[0];
    source?.push('run.event', { runId: 'r', event: { type: 'notice', message: 'hello' } });
    source?.push('run.finished', { runId: 'r', status: 'loaded' });
    stop();
    source?.push('run.event', { runId: 'r', event: { type: 'notice', message: 'ignored' } });

    expect(FakeEventSource.opened.map((opened) => opened.url)).toEqual(['/api/events?token=a%26b']);
    expect(events).toEqual([{ type: 'notice', message: 'hello' }]);
    expect(finished).toEqual(['loaded']);
  });
});

describe('access token', () => {
  test('is taken from the URL once, kept for the tab, and removed from the address bar', () => {
    const replaceState = vi.fn();
    const win = { location: { href: 'http://127.0.0.1:4567/?token=s3cret&view=run' }, history: { state: null, replaceState }, sessionStorage };

    expect(takeToken(win as unknown as Window)).toBe('s3cret');
    expect(String(replaceState.mock.calls[0]?.[2])).toBe('http://127.0.0.1:4567/?view=run');

    const reloaded = { ...win, location: { href: 'http://127.0.0.1:4567/?view=run' } };
    expect(takeToken(reloaded as unknown as Window)).toBe('s3cret');
  });
});

describe('transport', () => {
  test('uses the preload API and file paths inside Electron', async () => {
    const keyload = { ...createWebClient({ token: 't', fetch: fakeFetch(() => json({})).fetch }).api, pathForFile: (file: File) => (file.name === 'web.csv' ? '' : `/home/me/${file.name}`) };
    const win = { keyload };
    const transport = createTransport(win as unknown as Window);

    expect(transport.api).toBe(keyload);
    await expect(transport.addDroppedFiles([new File([''], 'a.csv')])).resolves.toEqual(['/home/me/a.csv']);
    await expect(transport.addDroppedFiles([new File([''], 'web.csv')])).rejects.toThrow('web.csv is not a file on this computer');
  });

  test('uploads dropped files to the web host, keeping their order', async () => {
    const { fetch, sent } = fakeFetch(({ url }) => json({ ok: true, value: { path: `/uploads/${new URL(url, 'http://host').searchParams.get('name')}` } }));
    vi.stubGlobal('fetch', fetch);
    const win = { location: { href: 'http://127.0.0.1/?token=t' }, history: { state: null, replaceState: vi.fn() }, sessionStorage };
    const transport = createTransport(win as unknown as Window);
    const files = ['1.csv', '2.csv', '3.csv', '4.csv', '5.csv', '6.csv'].map((name) => new File([name], name));

    await expect(transport.addDroppedFiles(files)).resolves.toEqual(files.map((file) => `/uploads/${file.name}`));
    expect(sent.map((request) => request.url).toSorted()).toEqual(files.map((file) => `/api/upload?name=${file.name}`));
  });
});

describe('errors from the Electron preload', () => {
  test('recover the whole ErrorInfo the preload puts in the message, location included', () => {
    const info = { code: ErrorCodes.rowRejected, message: 'not an integer', file: '/data/a.csv', line: 12, column: 'amount' };
    expect(toErrorInfo(new Error(encodeBridgeError(info)))).toEqual(info);
    expect(toErrorInfo(new Error(encodeBridgeError({ code: '42P01', message: 'relation "x" does not exist' })))).toEqual({ code: '42P01', message: 'relation "x" does not exist' });
  });

  test('any other message is an internal error with that message', () => {
    expect(toErrorInfo(new Error('ERROR: not a code'))).toEqual({ code: ErrorCodes.internal, message: 'ERROR: not a code' });
    expect(toErrorInfo(new Error('keyload-error:{not json'))).toEqual({ code: ErrorCodes.internal, message: 'keyload-error:{not json' });
  });
});
