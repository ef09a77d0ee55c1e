import { Module } from '@nestjs/common';
import { EventRegistry } from '../../shared/events/event-registry';
import { ConsoleSessionResolver } from '../../shared/domain/principal';
import { ResolveConsoleSessionUseCase } from './application/resolve-console-session.use-case';
import { SignInConsoleUseCase } from './application/sign-in-console.use-case';
import { SignOutConsoleUseCase } from './application/sign-out-console.use-case';
import { ConsoleSessionsController } from './http/console-sessions.controller';
import { ConsoleSessionRepository } from './infrastructure/console-session.repository';
import { ConsoleSignedInEvent } from './public/events/console-signed-in.event';
import { ConsoleSignedOutEvent } from './public/events/console-signed-out.event';

EventRegistry.register(ConsoleSignedInEvent, ConsoleSignedOutEvent);

/** The admin console's sign-in sessions (schema `console`); the console itself is served by console-static.ts. See README.md. */
@Module({
  controllers: [ConsoleSessionsController],
  providers: [
    ConsoleSessionRepository,
    SignInConsoleUseCase,
    SignOutConsoleUseCase,
    ResolveConsoleSessionUseCase,
    { provide: ConsoleSessionResolver, useExisting: ResolveConsoleSessionUseCase },
  ],
  exports: [ConsoleSessionResolver],
})
export class ConsoleModule {}
