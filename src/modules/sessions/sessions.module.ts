import { Module } from '@nestjs/common';
import { EventRegistry } from '../../shared/events/event-registry';
import { EndSessionsOnMembershipRevokedListener } from './application/end-sessions-on-membership-revoked.listener';
import { CreateSessionUseCase } from './application/create-session.use-case';
import { FindSessionTenantQuery } from './application/find-session-tenant.query';
import { IntrospectSessionUseCase } from './application/introspect-session.use-case';
import { ListMemberSessionsQuery } from './application/list-member-sessions.query';
import { LogOutSessionUseCase } from './application/log-out-session.use-case';
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
    CreateSessionUseCase,
    IntrospectSessionUseCase,
    FindSessionTenantQuery,
    LogOutSessionUseCase,
    ListMemberSessionsQuery,
    EndSessionsOnMembershipRevokedListener,
    PurgeEndedSessionsJob,
    SessionTenantResolver,
  ],
})
export class SessionsModule {}
