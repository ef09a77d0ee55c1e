import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { IsOptional, Matches } from 'class-validator';
import { IsPageLimit, ValidateRequests } from '../http/request-validation';
import { AllowScopes } from '../http/route-access';
import { OutboxDeadLettersRepository } from './outbox-dead-letters.repository';
import { OutboxRelay } from './outbox-relay';

export class ListDeadLettersQueryDto {
  @IsPageLimit(500)
  limit?: number;

  /** `next` of the previous page. */
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'cursor must be the next value of a previous page' })
  cursor?: string;
}

/** Admin API: outbox events whose delivery gave up (after OUTBOX_MAX_ATTEMPTS), and their retry. */
@Controller('admin/v1/outbox/dead-letters')
@ValidateRequests()
// The outbox is the deployment's, across tenants: an operator's concern.
@AllowScopes('admin')
export class OutboxDeadLettersController {
  constructor(
    private readonly deadLetters: OutboxDeadLettersRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /** `{items: [{id, eventName, tenantId, error, attempts, occurredAt, firstAttemptAt, lastAttemptAt}], next}`, newest first. */
  @Get()
  list(@Query() q: ListDeadLettersQueryDto) {
    return this.deadLetters.list(q.limit ?? 100, q.cursor);
  }

  /** Delivers the event again with a fresh attempt budget (handlers are idempotent). 202: queued. */
  @Post(':eventId/retry')
  @HttpCode(202)
  async retry(@Param('eventId') eventId: string) {
    const retried = await this.deadLetters.retry(eventId);
    if (!retried) throw new NotFoundException(`no dead letter ${eventId}`);
    this.relay.kick([retried.priority]);
    return { id: eventId, status: 'pending' };
  }
}
