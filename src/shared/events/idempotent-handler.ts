import type { DomainEvent } from '../domain/domain-event';
import type { TransactionHost } from '../database/transaction-host';

/**
 * Per-handler inbox (kgrzybek): a handler's work and the `platform.processed_event` row that marks
 * it done commit in one transaction, so a redelivered event skips handlers that already succeeded.
 * The decorator wraps methods at class-definition time, before Nest exists, hence the static hook.
 */
export class IdempotentHandlers {
  private static tx: TransactionHost | undefined;

  static bind(tx: TransactionHost): void {
    this.tx = tx;
  }

  static async run(handler: string, event: DomainEvent<object>, fn: () => Promise<unknown>): Promise<void> {
    const tx = this.tx;
    if (!tx) throw new Error('IdempotentHandlers used before EventsModule initialised');
    await tx.run(async () => {
      const inserted: unknown[] = await tx.manager.query(
        `INSERT INTO platform.processed_event (event_id, handler) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [event.eventId, handler],
      );
      if (inserted.length === 0) return;
      await fn();
    });
  }
}
