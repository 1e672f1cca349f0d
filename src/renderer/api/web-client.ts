// KeyloadApi over the localhost web host: POST /api/<name> with a JSON envelope reply, Server-Sent
// Events for pushed events, and raw-body uploads for dropped files (a browser has no file paths).
import { ErrorCodes } from '../../shared/errors.ts';
import type { EventName, KeyloadApi } from '../../shared/ipc/contract.ts';
import { isReply, type Reply } from '../../shared/ipc/envelope.ts';
import { ApiError } from './api-error.ts';
import { requestNames } from './request-names.ts';

export interface WebClientOptions {
  token: string;
  /** Origin of the web host; default: the page's own. */
  baseUrl?: string;
  fetch?: typeof fetch;
  EventSource?: typeof EventSource;
}

export interface WebClient {
  api: KeyloadApi;
  /** Streams one file to the host; resolves to where the host stored it. */
  upload(file: File): Promise<string>;
}

export function createWebClient(options: WebClientOptions): WebClient {
  const base = options.baseUrl ?? '';
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource;

  async function send<T>(path: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${options.token}`, ...init.headers } });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ApiError({ code: ErrorCodes.internal, message: `The Keyload web host cannot be reached: ${reason}` });
    }
    const reply = await readEnvelope<T>(response);
    if (!reply.ok) throw new ApiError(reply.error);
    return reply.value;
  }

  const requests = Object.fromEntries(
    requestNames.map((name) => [
      name,
      (input: unknown) => send(`/api/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) }),
    ]),
  );

  // One EventSource for all events, opened on the first subscription.
  let source: EventSource | null = null;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

  function on(event: EventName, listener: (payload: unknown) => void): () => void {
    source ??= new EventSourceImpl(`${base}/api/events?token=${encodeURIComponent(options.token)}`);
    let forEvent = listeners.get(event);
    if (!forEvent) {
      const subscribed = new Set<(payload: unknown) => void>();
      source.addEventListener(event, (message) => {
        const payload: unknown = JSON.parse((message as MessageEvent<string>).data);
        for (const each of subscribed) each(payload);
      });
      listeners.set(event, subscribed);
      forEvent = subscribed;
    }
    forEvent.add(listener);
    return () => {
      forEvent.delete(listener);
    };
  }

  return {
    // requestNames lists exactly the contract's requests, so this object has KeyloadApi's shape.
    api: { ...requests, on } as KeyloadApi,
    upload: async (file) => {
      const url = `/api/upload?name=${encodeURIComponent(file.name)}`;
      const { path } = await send<{ path: string }>(url, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream' }, body: file });
      return path;
    },
  };
}

async function readEnvelope<T>(response: Response): Promise<Reply<T>> {
  const body: unknown = await response.json().catch(() => null);
  if (isReply<T>(body)) return body;
  const message =
    response.status === 401
      ? 'The web host refused the access token. Open Keyload from the link the host printed.'
      : `The web host answered ${response.status} ${response.statusText}`.trim();
  return { ok: false, error: { code: ErrorCodes.internal, message } };
}
