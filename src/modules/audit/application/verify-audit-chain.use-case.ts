import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { chainBreak, type ChainPosition } from '../domain/audit-chain';
import { AuditChainKeys } from '../domain/audit-chain-keys';
import { AuditEntryRepository } from '../infrastructure/audit-entry.repository';
import { AuditError, AuditErrorCode } from '../public/audit.errors';
import { toAuditFilter } from './audit-query-common';

export type AuditVerification =
  { ok: true; checked: number } | { ok: false; checked: number; firstBrokenId: string | null; reason: string };

/** Entries read per query; memory holds one batch whatever the size of the trail. */
export const VERIFY_BATCH_SIZE = 5000;

/** A head a reviewer kept (from `head`, or an export's receipt). */
export interface ExpectedHead {
  readonly sequence: number;
  /** Hex, lower-case. */
  readonly hash: string;
}

/** The kept head asked for, if any: both parameters, or neither. */
function expectedHead(input: { expectSequence?: number; expectHash?: string }): ExpectedHead | undefined {
  if (input.expectSequence === undefined && input.expectHash === undefined) return undefined;
  if (input.expectSequence === undefined || input.expectHash === undefined) {
    const missing = input.expectSequence === undefined ? 'expectSequence' : 'expectHash';
    throw new AuditError(AuditErrorCode.INVALID_COMBINATION, 'expectSequence and expectHash go together', [
      {
        field: missing,
        problem: `${missing} is required with ${missing === 'expectHash' ? 'expectSequence' : 'expectHash'}`,
      },
    ]);
  }
  return { sequence: input.expectSequence, hash: input.expectHash.toLowerCase() };
}

/**
 * Recomputes the chain over the entries from the first with occurredAt ≥ `from` to the last with
 * occurredAt < `to` (the whole kept trail by default), in one read-only snapshot. The walk starts
 * from the entry before the range — or from the anchor (the last pruned entry, or the genesis)
 * when the range starts at the oldest kept entry — and stops at the first entry that is missing,
 * out of place, altered, not linked to its predecessor, or re-hashed without the chain key (v3
 * entries are HMACs; an unkeyed entry after a keyed one is a downgrade). `checked` counts the
 * entries found intact before it.
 *
 * With `expect` (a kept receipt; the whole trail is walked), the chain must also still reach that
 * head: entry `sequence` is stored with exactly that hash. A deleted tail, or a rewrite re-hashed
 * with the published rule but without the key, cannot satisfy both.
 */
@Injectable()
export class VerifyAuditChainUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly entries: AuditEntryRepository,
    private readonly keys: AuditChainKeys,
  ) {}

  execute(input: {
    from?: string;
    to?: string;
    expectSequence?: number;
    expectHash?: string;
  }): Promise<AuditVerification> {
    const expect = expectedHead(input);
    if (expect && (input.from !== undefined || input.to !== undefined)) {
      throw new AuditError(AuditErrorCode.INVALID_COMBINATION, 'expectSequence/expectHash check the whole chain', [
        { field: input.from !== undefined ? 'from' : 'to', problem: 'omit from and to with expectSequence/expectHash' },
      ]);
    }
    const filter = toAuditFilter({ from: input.from, to: input.to });
    return this.tx.run(async () => {
      await this.entries.useSnapshot();
      const anchor = await this.entries.anchor();
      const span = await this.entries.span(filter);
      const walked = span ? await this.walk(anchor, span) : { ok: true as const, checked: 0 };
      if (!walked.ok || !expect) return walked;
      const reason = await this.missedHead(expect, anchor);
      return reason ? { ok: false, checked: walked.checked, firstBrokenId: null, reason } : walked;
    });
  }

  private async walk(
    anchor: { seq: number; hash: Buffer },
    span: { first: number; last: number },
  ): Promise<AuditVerification> {
    const before = await this.entries.entryBefore(span.first);
    let expected: ChainPosition =
      before && before.seq > anchor.seq
        ? { seq: before.seq + 1, prevHash: before.hash, keyed: before.keyed }
        : { seq: anchor.seq + 1, prevHash: anchor.hash, keyed: false };
    let checked = 0;
    let after = span.first - 1;
    for (;;) {
      const batch = await this.entries.storedEntries(after, span.last, VERIFY_BATCH_SIZE);
      for (const stored of batch) {
        const reason = chainBreak(expected, stored, this.keys.hmacKey);
        if (reason) return { ok: false, checked, firstBrokenId: stored.record.id, reason };
        checked++;
        expected = {
          seq: stored.record.seq + 1,
          prevHash: stored.hash,
          keyed: expected.keyed || stored.rule === 'hmac',
        };
      }
      if (batch.length < VERIFY_BATCH_SIZE) return { ok: true, checked };
      after = batch[batch.length - 1].record.seq;
    }
  }

  /** Why the (intact) chain does not reach the kept head, or null when it does. */
  private async missedHead(expect: ExpectedHead, anchor: { seq: number; hash: Buffer }): Promise<string | null> {
    const wanted = Buffer.from(expect.hash, 'hex');
    if (expect.sequence === anchor.seq) {
      return anchor.hash.equals(wanted)
        ? null
        : `the chain's anchor at sequence ${anchor.seq} has another hash than the receipt`;
    }
    if (expect.sequence < anchor.seq) {
      return `entry ${expect.sequence} was pruned by retention (the chain now starts after ${anchor.seq}): this receipt can no longer be checked against the database`;
    }
    const stored = await this.entries.hashAt(expect.sequence);
    if (!stored) {
      const head = await this.entries.currentHead();
      return `the chain ends at sequence ${head.seq}, before the receipt's entry ${expect.sequence}: entries were deleted`;
    }
    return stored.equals(wanted)
      ? null
      : `entry ${expect.sequence} has another hash than the receipt: it, or an entry before it, was rewritten`;
  }
}
