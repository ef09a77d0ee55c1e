import { Module } from '@nestjs/common';
import { EventRegistry } from '../../shared/events/event-registry';
import { EndSessionsOnMembershipRevokedListener } from './application/end-sessions-on-membership-revoked.listener';
import { SessionsUseCases } from './application/sessions.use-cases';
import { MemberSessionsController, SessionsController } from './http/sessions.controller';
import { SessionTenantResolver } from './http/session-tenant.resolver';
import { SessionRepository } from './infrastructure/session.repository';
import { PurgeEndedSessionsJob } from './jobs/purge-ended-sessions.job';
import { SessionCreatedEvent } from './public/events/session-created.event';
import { SessionsTerminatedEvent } from './public/events/sessions-terminated.event';

EventRegistry.register(SessionsTerminatedEvent, SessionCreatedEvent);

/** End users' login sessions (schema `sessions`). See README.md. */
@Module({
  controllers: [SessionsController, MemberSessionsController],
  providers: [
    SessionRepository,
    SessionsUseCases,
    EndSessionsOnMembershipRevokedListener,
    PurgeEndedSessionsJob,
    SessionTenantResolver,
  ],
})
export class SessionsModule {}
