import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { chainBreak } from '../domain/audit-chain';
import { AuditEntryRepository } from '../infrastructure/audit-entry.repository';
import { toAuditFilter } from './audit-query';

export type AuditVerification =
  { ok: true; checked: number } | { ok: false; checked: number; firstBrokenId: string; reason: string };

/** Entries read per query; memory holds one batch whatever the size of the trail. */
export const VERIFY_BATCH_SIZE = 5000;

/**
 * Recomputes the chain over the entries from the first with occurredAt ≥ `from` to the last with
 * occurredAt < `to` (the whole kept trail by default), in one read-only snapshot. The walk starts
 * from the entry before the range — or from the anchor (the last pruned entry, or the genesis)
 * when the range starts at the oldest kept entry — and stops at the first entry that is missing,
 * out of place, altered, or not linked to its predecessor. `checked` counts the entries found
 * intact before it.
 */
@Injectable()
export class VerifyAuditChainUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly entries: AuditEntryRepository,
  ) {}

  execute(input: { from?: string; to?: string }): Promise<AuditVerification> {
    const filter = toAuditFilter({ from: input.from, to: input.to });
    return this.tx.run(async () => {
      await this.entries.useSnapshot();
      const anchor = await this.entries.anchor();
      const span = await this.entries.span(filter);
      if (!span) return { ok: true, checked: 0 };
      const before = await this.entries.entryBefore(span.first);
      let expected =
        before && before.seq > anchor.seq
          ? { seq: before.seq + 1, prevHash: before.hash }
          : { seq: anchor.seq + 1, prevHash: anchor.hash };
      let checked = 0;
      let after = span.first - 1;
      for (;;) {
        const batch = await this.entries.storedEntries(after, span.last, VERIFY_BATCH_SIZE);
        for (const stored of batch) {
          const reason = chainBreak(expected, stored);
          if (reason) return { ok: false, checked, firstBrokenId: stored.record.id, reason };
          checked++;
          expected = { seq: stored.record.seq + 1, prevHash: stored.hash };
        }
        if (batch.length < VERIFY_BATCH_SIZE) return { ok: true, checked };
        after = batch[batch.length - 1].record.seq;
      }
    });
  }
}
