import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEvent } from '../domain/domain-event';

/**
 * Emitted by the relay with every claimed batch of events (in outbox order), before it delivers
 * them one by one. A listener that can do a whole batch's work at once — the audit trail appends
 * a hundred entries under one chain lock instead of one transaction each — claims its events with
 * IdempotentHandlers.claimBatch; the per-event delivery that follows then skips them. A batch
 * listener that fails costs nothing but time: the per-event delivery does the work (and owns the
 * retries and the dead-lettering).
 */
export const OUTBOX_BATCH = 'outbox.batch';

export type OutboxBatch = readonly DomainEvent<object>[];

/** `@OnOutboxBatch()` on `async method(events: OutboxBatch)`. */
export const OnOutboxBatch = (): MethodDecorator =>
  OnEvent(OUTBOX_BATCH, { async: false, promisify: true, suppressErrors: false });
