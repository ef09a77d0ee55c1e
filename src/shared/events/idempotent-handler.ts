import type { DomainEvent } from '../domain/domain-event';
import type { TransactionHost } from '../database/transaction-host';

/** How many handler/event pairs a batch may pre-settle before the per-event pass consumes them. */
const MAX_SETTLED = 50_000;

/**
 * Per-handler inbox (kgrzybek): a handler's work and the `platform.processed_event` row that marks
 * it done commit in one transaction, so a redelivered event skips handlers that already succeeded.
 * The decorator wraps methods at class-definition time, before Nest exists, hence the static hook.
 *
 * Batch handlers (see OUTBOX_BATCH) claim the rows of many events in one transaction; the pairs
 * they settle are remembered here after commit, so the per-event pass that follows skips them
 * without a transaction of its own. Only committed pairs are remembered: if the batch failed, the
 * per-event pass does the work as before.
 */
export class IdempotentHandlers {
  private static tx: TransactionHost | undefined;
  private static readonly settled = new Set<string>();

  static bind(tx: TransactionHost): void {
    this.tx = tx;
  }

  static async run(handler: string, event: DomainEvent<object>, fn: () => Promise<unknown>): Promise<void> {
    if (this.settled.delete(pairKey(handler, event.eventId))) return;
    const tx = this.host();
    await tx.run(async () => {
      const inserted: unknown[] = await tx.manager.query(
        `INSERT INTO platform.processed_event (event_id, handler) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [event.eventId, handler],
      );
      if (inserted.length === 0) return;
      await fn();
    });
  }

  /**
   * For a batch handler, inside its transaction: marks `handler` done for every event and returns
   * the events it had not handled yet (in the given order) — the ones to work on. After the
   * transaction commits, the per-event pass skips all of them.
   */
  static async claimBatch<E extends DomainEvent<object>>(
    handlerOf: (event: E) => string,
    events: readonly E[],
  ): Promise<E[]> {
    const tx = this.host();
    if (!tx.inTransaction) throw new Error('IdempotentHandlers.claimBatch must run inside a transaction');
    if (events.length === 0) return [];
    const rows: Array<{ event_id: string; handler: string }> = await tx.manager.query(
      `INSERT INTO platform.processed_event (event_id, handler)
       SELECT * FROM unnest($1::uuid[], $2::text[])
       ON CONFLICT DO NOTHING RETURNING event_id, handler`,
      [events.map((e) => e.eventId), events.map(handlerOf)],
    );
    const fresh = new Set(rows.map((r) => pairKey(r.handler, r.event_id)));
    this.settleAfterCommit(handlerOf, events);
    return events.filter((e) => fresh.has(pairKey(handlerOf(e), e.eventId)));
  }

  /**
   * For a batch handler whose own writes are idempotent by event id (a unique key of its table
   * does what the inbox row would): no processed_event rows, but once the caller's transaction
   * commits, the per-event pass skips these events as it does after claimBatch. A redelivery after
   * a crash goes through the per-event handler and its inbox as usual.
   */
  static settleAfterCommit<E extends DomainEvent<object>>(handlerOf: (event: E) => string, events: readonly E[]): void {
    const tx = this.host();
    if (!tx.inTransaction) throw new Error('IdempotentHandlers.settleAfterCommit must run inside a transaction');
    tx.afterCommit(() => {
      if (this.settled.size + events.length > MAX_SETTLED) this.settled.clear(); // only an optimisation
      for (const e of events) this.settled.add(pairKey(handlerOf(e), e.eventId));
    });
  }

  private static host(): TransactionHost {
    if (!this.tx) throw new Error('IdempotentHandlers used before EventsModule initialised');
    return this.tx;
  }
}

const pairKey = (handler: string, eventId: string) => `${handler}\n${eventId.toLowerCase()}`;
