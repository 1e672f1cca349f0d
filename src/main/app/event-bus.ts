// Typed pushed events (the contract's event map) from the app to whichever front ends listen.
import type { EventMap, EventName } from '../../shared/ipc/contract.ts';

type Listener<E extends EventName> = (payload: EventMap[E]) => void;

export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as Listener<EventName>);
    this.listeners.set(event, set);
    return () => set.delete(listener as Listener<EventName>);
  }

  /** Every event, for transports that forward them all (Electron IPC, server-sent events). */
  onAny(listener: <E extends EventName>(event: E, payload: EventMap[E]) => void): () => void {
    const names: EventName[] = ['run.event', 'run.pool', 'run.finished', 'preview.event'];
    const offs = names.map((name) => this.on(name, (payload) => listener(name, payload)));
    return () => offs.forEach((off) => off());
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}
