import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid } from '../domain/uuid';

export interface DeadLetterView {
  id: string;
  eventName: string;
  tenantId: string | null;
  error: string | null;
  attempts: number;
  occurredAt: string;
  firstAttemptAt: string | null;
  lastAttemptAt: string | null;
}

interface Row {
  event_id: string;
  event_name: string;
  tenant_id: string | null;
  last_error: string | null;
  attempts: number;
  occurred_at: Date;
  first_failed_at: Date | null;
  last_failed_at: Date | null;
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

/** The outbox's dead letters: events whose delivery gave up after OUTBOX_MAX_ATTEMPTS. */
@Injectable()
export class OutboxDeadLettersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first; `before` (an outbox position from the previous page) pages on. */
  async list(limit: number, before?: string): Promise<{ items: DeadLetterView[]; next: string | null }> {
    const rows: Array<Row & { id: string }> = await this.dataSource.query(
      `SELECT id::text, event_id, event_name, tenant_id, last_error, attempts, occurred_at, first_failed_at, last_failed_at
         FROM platform.outbox_message
        WHERE status = 'dead' AND ($1::bigint IS NULL OR id < $1::bigint)
        ORDER BY id DESC
        LIMIT $2`,
      [before ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({
        id: r.event_id,
        eventName: r.event_name,
        tenantId: r.tenant_id,
        error: r.last_error,
        attempts: r.attempts,
        occurredAt: iso(r.occurred_at)!,
        firstAttemptAt: iso(r.first_failed_at),
        lastAttemptAt: iso(r.last_failed_at),
      })),
      next: rows.length > limit ? page[page.length - 1].id : null,
    };
  }

  /** Makes a dead letter due again with a fresh attempt budget; false when `eventId` names no dead letter. */
  async retry(eventId: string): Promise<{ priority: number } | undefined> {
    if (!isUuid(eventId)) return undefined;
    const [rows]: [Array<{ priority: number }>, number] = await this.dataSource.query(
      `UPDATE platform.outbox_message SET status = 'pending', attempts = 0, available_at = now()
        WHERE event_id = $1 AND status = 'dead' RETURNING priority`,
      [eventId],
    );
    return rows[0];
  }
}
