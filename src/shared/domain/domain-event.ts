import { randomUUID } from 'node:crypto';

/** Who caused an event: an IdP over SCIM, an admin over the admin API, or Roster itself. */
export type Actor =
  | { readonly type: 'scim'; readonly connectionId: string; readonly tokenId: string }
  | {
      readonly type: 'admin';
      /** The API key that acted (`bootstrap` for ADMIN_TOKEN); absent on events written before keys existed. */
      readonly keyId?: string;
      readonly keyName?: string;
      readonly scope?: 'admin' | 'tenant' | 'sessions';
    }
  | { readonly type: 'system' };

export interface DomainEventMeta {
  readonly tenantId: string | null;
  readonly correlationId?: string | null;
  readonly causationId?: string | null;
  readonly eventId?: string;
  readonly occurredAt?: string;
  readonly actor?: Actor;
  readonly sourceIp?: string | null;
}

/**
 * A fact one module publishes for others. Payload: ids and primitives only (JSON), a contract —
 * additive changes only, bump `version` for breaking ones. Subclasses declare a static `eventName`
 * (`<module>.<subject>.<past-tense-verb>`), which survives renames and minification.
 */
export abstract class DomainEvent<P extends object = Record<string, unknown>> {
  static readonly eventName: string;
  static readonly version: number = 1;
  /** > 0: delivered by the outbox's urgent lane, ahead of any backlog (security-relevant facts). */
  static readonly priority: number = 0;

  readonly eventId: string;
  readonly occurredAt: string;
  readonly tenantId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly actor: Actor;
  readonly sourceIp: string | null;

  constructor(
    readonly payload: P,
    meta: DomainEventMeta,
  ) {
    this.eventId = meta.eventId ?? randomUUID();
    this.occurredAt = meta.occurredAt ?? new Date().toISOString();
    this.tenantId = meta.tenantId;
    this.correlationId = meta.correlationId ?? null;
    this.causationId = meta.causationId ?? null;
    this.actor = meta.actor ?? { type: 'system' };
    this.sourceIp = meta.sourceIp ?? null;
  }

  get eventName(): string {
    return (this.constructor as DomainEventClass).eventName;
  }
}

export interface DomainEventClass<E extends DomainEvent<object> = DomainEvent<object>> {
  new (payload: never, meta: DomainEventMeta): E;
  readonly eventName: string;
  readonly version: number;
  readonly priority?: number;
}
