import { Injectable } from '@nestjs/common';
import { SessionRepository } from '../infrastructure/session.repository';
import { isUuid } from '../../../shared/domain/uuid';

/** The tenant of a session (null when there is none), for scoping a key to its tenant. */
@Injectable()
export class FindSessionTenantQuery {
  constructor(private readonly sessions: SessionRepository) {}

  async execute(sessionId: string): Promise<string | null> {
    if (!isUuid(sessionId)) return null;
    return (await this.sessions.findById(sessionId))?.tenantId ?? null;
  }
}
