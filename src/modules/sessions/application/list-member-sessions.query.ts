import { Injectable } from '@nestjs/common';
import { SessionRepository } from '../infrastructure/session.repository';
import { toSessionView, UUID, type SessionView } from './session-common';

@Injectable()
export class ListMemberSessionsQuery {
  constructor(private readonly sessions: SessionRepository) {}

  async execute(tenantId: string, accountId: string): Promise<SessionView[]> {
    if (!UUID.test(tenantId) || !UUID.test(accountId)) return [];
    return (await this.sessions.listForAccount(tenantId, accountId, 500)).map(toSessionView);
  }
}
