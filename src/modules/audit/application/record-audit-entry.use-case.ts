import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { Actor, DomainEvent } from '../../../shared/domain/domain-event';
import { chainHash } from '../domain/audit-chain';
import { storable, storableJson, type AuditActor, type AuditRecord } from '../domain/audit-entry';
import { redactSecrets, redactText } from '../domain/redact-secrets';
import { AuditEntryRepository } from '../infrastructure/audit-entry.repository';
import type { AuditedEvent } from './audited-events';

const text = (s: string | null | undefined): string | null => (s === null || s === undefined ? null : storable(s));

function toAuditActor(actor: Actor): AuditActor {
  switch (actor.type) {
    case 'scim':
      return { type: 'scim', connectionId: storable(actor.connectionId), tokenId: storable(actor.tokenId) };
    case 'admin':
      return { type: 'admin' };
    case 'system':
      return { type: 'system' };
    default:
      // An actor the trail cannot represent must not be recorded as someone else: fail, the relay retries and dead-letters.
      throw new Error(`unknown actor type ${JSON.stringify((actor as { type?: unknown }).type)}`);
  }
}

/**
 * Appends the entry for one domain event to the chain, inside the handler's transaction: takes the
 * chain lock, reads the head, hashes, inserts. A redelivered event (same eventId) writes nothing.
 */
@Injectable()
export class RecordAuditEntryUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly entries: AuditEntryRepository,
  ) {}

  async execute(event: DomainEvent<object>, spec: AuditedEvent): Promise<void> {
    const d = spec.describe(event.payload, event, spec.action);
    const actor = toAuditActor(event.actor);
    await this.tx.run(async () => {
      await this.entries.lockChain();
      const head = await this.entries.head(event.eventId);
      if (head.recorded) return;
      const record: AuditRecord = {
        seq: head.seq + 1,
        id: randomUUID(),
        occurredAt: new Date(event.occurredAt).toISOString(),
        tenantId: event.tenantId,
        actor,
        action: spec.action,
        target: d.target ? { type: storable(d.target.type), id: storable(d.target.id) } : null,
        targetLabel: text(d.targetLabel === undefined || d.targetLabel === null ? null : redactText(d.targetLabel)),
        summary: storable(redactText(d.summary)),
        details: storableJson(redactSecrets(d.details ?? {})) as Record<string, unknown>,
        correlationId: text(event.correlationId),
        sourceIp: text(event.sourceIp),
        eventId: event.eventId,
      };
      await this.entries.insert(record, head.hash, chainHash(head.hash, record));
    });
  }
}
