import { DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppEnv } from './config/env.schema';
import { AuditModule } from './modules/audit/audit.module';
import { ConsoleModule } from './modules/console/console.module';
import { ScimApiModule } from './modules/scim-api/scim-api.module';
import { SessionsModule } from './modules/sessions/sessions.module';
import { StagingModule } from './modules/staging/staging.module';
import { SyncModule } from './modules/sync/sync.module';
import { TenancyModule } from './modules/tenancy/tenancy.module';
import { DatabaseModule } from './shared/database/database.module';
import { buildTypeOrmOptions } from './shared/database/typeorm-options';
import { EventsModule } from './shared/events/events.module';
import { HealthModule } from './shared/health/health.module';
import { MetricsModule } from './shared/metrics/metrics.module';
import { AccessModule } from './shared/http/access.module';
import { ApiAccessGuard } from './shared/http/api-access.guard';
import { PrincipalResolver } from './shared/http/principal-resolver';
import { GlobalExceptionFilter } from './shared/http/global-exception.filter';
import { ConfigModule } from './config/config.module';

/**
 * Composition root: the only place with forRoot() of TypeORM, EventEmitter and Schedule. Built from
 * an already validated environment and a resolved database URL (see bootstrap.ts).
 */
@Module({})
export class AppModule {
  static register(env: AppEnv, adminToken: string, extra: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(env, adminToken),
        TypeOrmModule.forRoot(buildTypeOrmOptions(env)),
        EventEmitterModule.forRoot({ wildcard: false, ignoreErrors: false }),
        ScheduleModule.forRoot(),
        MetricsModule,
        DatabaseModule,
        AccessModule,
        EventsModule,
        HealthModule,
        TenancyModule,
        ScimApiModule,
        StagingModule,
        SyncModule,
        SessionsModule,
        AuditModule,
        ConsoleModule,
        ...extra,
      ],
      providers: [
        // Here, not in AccessModule: it takes the console's ConsoleSessionResolver (ConsoleModule's export).
        PrincipalResolver,
        { provide: APP_GUARD, useClass: ApiAccessGuard },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
        // No global pipe: DTO validation is per controller (ValidateRequests), see request-validation.ts.
      ],
    };
  }
}
