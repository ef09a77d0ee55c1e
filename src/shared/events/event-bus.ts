import { Injectable } from '@nestjs/common';
import type { DomainEvent } from '../domain/domain-event';
import { TransactionHost } from '../database/transaction-host';
import { RequestContext } from '../http/request-context';
import { OutboxRelay } from './outbox-relay';

/**
 * Publishes domain events durably: each becomes a row of `platform.outbox_message` written in the
 * caller's transaction, so the event exists if and only if the state change committed. After the
 * commit the relay is nudged, so delivery normally takes milliseconds; polling covers crashes.
 */
@Injectable()
export class EventBus {
  constructor(
    private readonly tx: TransactionHost,
    private readonly relay: OutboxRelay,
  ) {}

  async publish(...events: DomainEvent<object>[]): Promise<void> {
    if (events.length === 0) return;
    if (!this.tx.inTransaction) {
      throw new Error('EventBus.publish must be called inside TransactionHost.run (transactional outbox)');
    }
    const ctx = RequestContext.current();
    const values: unknown[] = [];
    const rows = events.map((e, i) => {
      const cls = e.constructor as unknown as { eventName: string; version: number };
      // Events built inside a request inherit its correlation id, caller and source IP.
      const actor = e.actor.type === 'system' && ctx ? ctx.actor : e.actor;
      values.push(
        e.eventId,
        cls.eventName,
        cls.version,
        e.tenantId,
        JSON.stringify(e.payload),
        e.correlationId ?? ctx?.correlationId ?? null,
        e.causationId,
        e.occurredAt,
        JSON.stringify(actor),
        e.sourceIp ?? ctx?.sourceIp ?? null,
      );
      const b = i * 10;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9}::jsonb, $${b + 10})`;
    });
    await this.tx.manager.query(
      `INSERT INTO platform.outbox_message
         (event_id, event_name, version, tenant_id, payload, correlation_id, causation_id, occurred_at, actor, source_ip)
       VALUES ${rows.join(', ')}`,
      values,
    );
    this.tx.afterCommit(() => this.relay.kick());
  }
}
