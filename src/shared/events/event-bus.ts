import { Injectable } from '@nestjs/common';
import type { DomainEvent } from '../domain/domain-event';
import { TransactionHost } from '../database/transaction-host';
import { RequestContext } from '../http/request-context';
import { OutboxRelay } from './outbox-relay';

const COLUMNS = 11;

/** An outbox INSERT to embed in a caller's single SQL statement (a data-modifying CTE). */
export interface OutboxStatement {
  /** `INSERT INTO platform.outbox_message (...) VALUES (...)` with placeholders from `firstParam` on. */
  render(firstParam: number): { sql: string; params: unknown[] };
  /** Call once the statement has committed: nudges the relay. */
  committed(): void;
}

/**
 * Publishes domain events durably: each becomes a row of `platform.outbox_message` written in the
 * same transaction as the state change, so the event exists if and only if the change committed.
 * After the commit the relay is nudged, so delivery normally takes milliseconds; polling covers
 * crashes. Two forms: `publish` inside `TransactionHost.run`, or `statement` for a write that is a
 * single SQL statement (one round trip instead of BEGIN / write / outbox / COMMIT).
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
    const { sql, params } = this.statement(events).render(1);
    await this.tx.manager.query(sql, params);
    this.tx.afterCommit(() => this.relay.kick());
  }

  /**
   * The outbox INSERT for `events`, to run as part of the caller's own statement, e.g.
   * `WITH u AS (INSERT … RETURNING …), o AS (<sql>) SELECT … FROM u`: PostgreSQL runs a statement
   * atomically, so the rows and the state change commit or fail together.
   */
  statement(events: DomainEvent<object>[]): OutboxStatement {
    const ctx = RequestContext.current();
    const render = (firstParam: number) => this.render(events, ctx, firstParam);
    return { render, committed: () => this.tx.afterCommit(() => this.relay.kick()) };
  }

  private render(events: DomainEvent<object>[], ctx: ReturnType<typeof RequestContext.current>, firstParam: number) {
    const params: unknown[] = [];
    const rows = events.map((e, i) => {
      const cls = e.constructor as unknown as { eventName: string; version: number; priority?: number };
      // Events built inside a request inherit its correlation id, caller and source IP.
      const actor = e.actor.type === 'system' && ctx ? ctx.actor : e.actor;
      params.push(
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
        cls.priority ?? 0,
      );
      const p = (k: number) => `$${firstParam + i * COLUMNS + k}`;
      return `(${p(0)}::uuid, ${p(1)}, ${p(2)}::int, ${p(3)}::uuid, ${p(4)}::jsonb, ${p(5)}, ${p(6)}, ${p(7)}::timestamptz, ${p(8)}::jsonb, ${p(9)}, ${p(10)}::smallint)`;
    });
    return {
      sql: `INSERT INTO platform.outbox_message
              (event_id, event_name, version, tenant_id, payload, correlation_id, causation_id, occurred_at, actor, source_ip, priority)
            VALUES ${rows.join(', ')}`,
      params,
    };
  }
}
