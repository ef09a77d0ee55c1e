import { Injectable } from '@nestjs/common';
import { AuditChainKeys, type AuditReceipt } from '../domain/audit-chain-keys';
import { AuditEntryRepository } from '../infrastructure/audit-entry.repository';

/**
 * A signed receipt of the chain's head as committed now: a reviewer who keeps it can later ask
 * `verify?expectSequence=&expectHash=` (or check an export offline) whether the chain still reaches
 * it — a deleted tail or a re-hashed rewrite cannot produce the same hash at that sequence.
 */
@Injectable()
export class AuditHeadQuery {
  constructor(
    private readonly entries: AuditEntryRepository,
    private readonly keys: AuditChainKeys,
  ) {}

  async execute(now = new Date()): Promise<AuditReceipt> {
    const head = await this.entries.currentHead();
    return this.keys.receipt({ sequence: head.seq, hash: head.hash.toString('hex'), at: now.toISOString() });
  }
}
