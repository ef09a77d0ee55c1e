import { Injectable } from '@nestjs/common';
import type { DomainEvent } from '../../../shared/domain/domain-event';
import { OnDomainEvent } from '../../../shared/events/on-domain-event.decorator';
import { OnOutboxBatch, type OutboxBatch } from '../../../shared/events/outbox-batch';
import { AUDITED_EVENTS, type AuditedEvent } from '../domain/audited-events';
import { RecordAuditEntryUseCase } from './record-audit-entry.use-case';

/**
 * Thin edge: one idempotent `@OnDomainEvent` handler per entry of AUDITED_EVENTS (generated below,
 * so the list stays the single place to add an event), each a call into RecordAuditEntryUseCase.
 * Handler keys are `RecordAuditEntryListener.record:<eventName>` — stable across code changes.
 */
@Injectable()
export class RecordAuditEntryListener {
  constructor(readonly recordEntry: RecordAuditEntryUseCase) {}

  /** A relay batch at once (see OUTBOX_BATCH); the per-event handlers below then skip what it recorded. */
  @OnOutboxBatch()
  async recordBatch(events: OutboxBatch): Promise<void> {
    await this.recordEntry.executeBatch(events, (event) => auditHandlerKey(event.eventName));
  }
}

/** The per-event handler's key in platform.processed_event (what OnDomainEvent derives from class and method). */
export const auditHandlerKey = (eventName: string) => `${RecordAuditEntryListener.name}.${methodName(eventName)}`;
const methodName = (eventName: string) => `record:${eventName}`;

function subscribe(spec: AuditedEvent): void {
  const key = methodName(spec.event.eventName);
  const descriptor: PropertyDescriptor = {
    value: async function (this: RecordAuditEntryListener, event: DomainEvent<object>): Promise<void> {
      await this.recordEntry.execute(event, spec);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  };
  OnDomainEvent(spec.event)(RecordAuditEntryListener.prototype, key, descriptor);
  Object.defineProperty(RecordAuditEntryListener.prototype, key, descriptor);
}

for (const spec of AUDITED_EVENTS) subscribe(spec);
