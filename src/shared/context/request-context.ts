import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../domain/domain-event';

export interface RequestContextData {
  correlationId: string;
  sourceIp: string | null;
  actor: Actor;
}

const storage = new AsyncLocalStorage<RequestContextData>();

/**
 * Per-request facts (correlation id, caller, source IP) for logs and for the metadata of the events
 * a request causes. Outside a request (cron, relay) the actor is `system`.
 */
export const RequestContext = {
  run<T>(data: RequestContextData, fn: () => T): T {
    return storage.run(data, fn);
  },
  current(): RequestContextData | undefined {
    return storage.getStore();
  },
  /** Runs `fn` outside any request: what it schedules (a timer) does not inherit the caller's request. */
  outside<T>(fn: () => T): T {
    return storage.exit(fn);
  },
  setActor(actor: Actor): void {
    const store = storage.getStore();
    if (store) store.actor = actor;
  },
};
