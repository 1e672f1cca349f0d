// A real in-memory KeyloadApi for component tests: each test implements the requests it needs,
// every call is recorded, and events are pushed with emit().
import type { EventMap, EventName, HandlerInput, HandlerName, KeyloadApi } from '../../shared/ipc/contract.ts';
import { requestNames } from '../api/request-names.ts';

export type Handlers = Partial<Omit<KeyloadApi, 'on'>>;

export interface FakeApi {
  api: KeyloadApi;
  /** The inputs of every call of one request, in order. */
  calls<N extends HandlerName>(name: N): HandlerInput<N>[];
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
}

export function createFakeApi(handlers: Handlers): FakeApi {
  const log: { name: HandlerName; input: unknown }[] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const requests = Object.fromEntries(
    requestNames.map((name) => [
      name,
      async (input: unknown) => {
        log.push({ name, input });
        const handler = handlers[name] as ((input: unknown) => Promise<unknown>) | undefined;
        if (!handler) throw new Error(`the fake API has no ${name}`);
        return handler(input);
      },
    ]),
  );
  function on(event: EventName, listener: (payload: unknown) => void): () => void {
    const forEvent = listeners.get(event) ?? new Set();
    listeners.set(event, forEvent);
    forEvent.add(listener);
    return () => {
      forEvent.delete(listener);
    };
  }
  return {
    api: { ...requests, on } as KeyloadApi,
    calls: <N extends HandlerName>(name: N) => log.filter((call) => call.name === name).map((call) => call.input as HandlerInput<N>),
    emit: (event, payload) => listeners.get(event)?.forEach((listener) => listener(payload)),
  };
}
