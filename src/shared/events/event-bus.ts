import { Injectable } from '@nestjs/common';
import type { DomainEvent } from '../domain/domain-event';
import { sqlRows } from '../database/sql';
import { TransactionHost } from '../database/transaction-host';
import { RequestContext } from '../context/request-context';
import { OutboxRelay } from './outbox-relay';

/** An outbox INSERT to embed in a caller's single SQL statement (a data-modifying CTE). */
export interface OutboxStatement {
  /** `INSERT INTO platform.outbox_message (...) VALUES (...)` with placeholders from `firstParam` on. */
  render(firstParam: number): { sql: string; params: unknown[] };
  /** The events' rows, OUTBOX_COLUMNS in order — for a caller that writes many changes' events in one statement (an `unnest` of column arrays). */
  rows(): unknown[][];
  /** Call once the statement has committed: nudges the relay. */
  committed(): void;
}

/** The outbox columns, in the order of `OutboxStatement.rows()`, with their SQL types. */
export const OUTBOX_COLUMNS = [
  ['event_id', 'uuid'],
  ['event_name', 'text'],
  ['version', 'int'],
  ['tenant_id', 'uuid'],
  ['payload', 'jsonb'],
  ['correlation_id', 'text'],
  ['causation_id', 'text'],
  ['occurred_at', 'timestamptz'],
  ['actor', 'jsonb'],
  ['source_ip', 'text'],
  ['priority', 'smallint'],
] as const;
const PUBLISH_CHUNK = 1000;
const OUTBOX_COLUMN_LIST = OUTBOX_COLUMNS.map(([name]) => name).join(', ');

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
    // PostgreSQL takes at most 65,535 bind parameters per statement: 1,000 events a statement.
    for (let from = 0; from < events.length; from += PUBLISH_CHUNK) {
      const { sql, params } = this.statement(events.slice(from, from + PUBLISH_CHUNK)).render(1);
      await sqlRows(this.tx.manager, sql, params);
    }
    const priorities = events.map(priorityOf);
    this.tx.afterCommit(() => this.relay.kick(priorities));
  }

  /**
   * The outbox INSERT for `events`, to run as part of the caller's own statement, e.g.
   * `WITH u AS (INSERT … RETURNING …), o AS (<sql>) SELECT … FROM u`: PostgreSQL runs a statement
   * atomically, so the rows and the state change commit or fail together.
   */
  statement(events: DomainEvent<object>[]): OutboxStatement {
    const ctx = RequestContext.current();
    const rows = () => events.map((e) => rowOf(e, ctx));
    const render = (firstParam: number) => {
      const params: unknown[] = [];
      const values = rows().map((row, i) => {
        params.push(...row);
        return `(${OUTBOX_COLUMNS.map(([, type], k) => `$${firstParam + i * OUTBOX_COLUMNS.length + k}::${type}`).join(', ')})`;
      });
      return { sql: `INSERT INTO platform.outbox_message (${OUTBOX_COLUMN_LIST}) VALUES ${values.join(', ')}`, params };
    };
    const priorities = events.map(priorityOf);
    return { render, rows, committed: () => this.tx.afterCommit(() => this.relay.kick(priorities)) };
  }
}

const priorityOf = (e: DomainEvent<object>) => (e.constructor as unknown as { priority?: number }).priority ?? 0;

/** One event's outbox row (OUTBOX_COLUMNS). Events built inside a request inherit its correlation id, caller and source IP. */
function rowOf(e: DomainEvent<object>, ctx: ReturnType<typeof RequestContext.current>): unknown[] {
  const cls = e.constructor as unknown as { eventName: string; version: number };
  const actor = e.actor.type === 'system' && ctx ? ctx.actor : e.actor;
  return [
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
    priorityOf(e),
  ];
}
