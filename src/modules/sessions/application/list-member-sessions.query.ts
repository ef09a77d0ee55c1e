import { Injectable } from '@nestjs/common';
import { SessionRepository } from '../infrastructure/session.repository';
import { toSessionView, type SessionView } from './session-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class ListMemberSessionsQuery {
  constructor(private readonly sessions: SessionRepository) {}

  async execute(tenantId: string, accountId: string): Promise<SessionView[]> {
    if (!isUuid(tenantId) || !isUuid(accountId)) return [];
    return (await this.sessions.listForAccount(tenantId, accountId, 500)).map(toSessionView);
  }
}
