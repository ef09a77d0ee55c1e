import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { AuditEntryRepository } from '../infrastructure/audit-entry.repository';
import { AuditTrailPrunedEvent } from '../public/events/audit-trail-pruned.event';

/** Entries deleted per transaction: bounded lock time for appends waiting on the chain lock. */
export const PRUNE_BATCH_SIZE = 50_000;

/**
 * Retention: deletes, oldest first, the run of entries older than `cutoff` at the start of the
 * chain — stopping at the first entry still within retention, so what is kept is one contiguous
 * chain. Each batch is one transaction that moves the anchor (through audit.prune_entries) and
 * publishes AuditTrailPrunedEvent, which the trail then records (actor system).
 */
@Injectable()
export class PruneExpiredAuditEntriesUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly entries: AuditEntryRepository,
    private readonly events: EventBus,
  ) {}

  async execute(cutoff: Date, batchSize = PRUNE_BATCH_SIZE): Promise<{ pruned: number }> {
    let pruned = 0;
    for (;;) {
      const batch = await this.tx.run(async () => {
        await this.entries.lockChain();
        const anchor = await this.entries.anchor();
        const run = await this.entries.expiredRun(anchor.seq, cutoff, batchSize);
        if (run.upTo === null) return null;
        const count = await this.entries.pruneUpTo(run.upTo);
        const moved = await this.entries.anchor();
        await this.events.publish(
          new AuditTrailPrunedEvent(
            {
              fromSeq: anchor.seq + 1,
              toSeq: run.upTo,
              count,
              cutoff: cutoff.toISOString(),
              anchorHash: moved.hash.toString('hex'),
            },
            { tenantId: null, actor: { type: 'system' } },
          ),
        );
        return { count, more: run.more };
      });
      if (!batch) break;
      pruned += batch.count;
      if (!batch.more) break;
    }
    return { pruned };
  }
}
