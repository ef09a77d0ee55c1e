import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { ApiKeyVerifier, type Principal } from '../../../shared/domain/principal';
import { consoleSignedIn } from '../domain/console-session-events';
import { hashConsoleSessionSecret, newConsoleSessionSecret } from '../domain/console-session-secret';
import { ConsoleSessionRepository } from '../infrastructure/console-session.repository';
import { ConsoleError, ConsoleErrorCode } from '../public/console.errors';

/** Exchanges an API key for a console session; the session acts with exactly that key's principal. */
@Injectable()
export class SignInConsoleUseCase {
  private readonly logger = new Logger(SignInConsoleUseCase.name);

  constructor(
    private readonly keys: ApiKeyVerifier,
    private readonly sessions: ConsoleSessionRepository,
    private readonly tx: TransactionHost,
    private readonly events: EventBus,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  /** Past the client address's failed-authentication budget, throws 429 without looking the key up. */
  async execute(
    apiKey: string,
    clientAddress: string,
  ): Promise<{ secret: string; principal: Principal; expiresAt: Date }> {
    const principal = await this.keys.verify(apiKey, clientAddress);
    if (!principal) {
      // Logged and counted (roster_auth_failures_total{api="admin"}), not audited: anyone can send a
      // wrong key, and the append-only trail must not grow at an anonymous caller's will (docs/console.md).
      this.logger.warn(`console sign-in refused: not a valid API key (from ${clientAddress || '?'})`);
      throw new ConsoleError(ConsoleErrorCode.INVALID_KEY, 'this API key is not valid');
    }
    if (principal.scope === 'sessions') {
      throw new ConsoleError(
        ConsoleErrorCode.KEY_NOT_ALLOWED,
        'a sessions key is for the host product’s backend and cannot sign in to the console; use an admin or tenant key',
      );
    }
    const secret = newConsoleSessionSecret();
    const row = await this.tx.run(async () => {
      const inserted = await this.sessions.insert({
        id: randomUUID(),
        idHash: hashConsoleSessionSecret(secret),
        principal,
        idleSeconds: this.env.CONSOLE_SESSION_IDLE_TIMEOUT_SECONDS,
        absoluteSeconds: this.env.CONSOLE_SESSION_ABSOLUTE_TIMEOUT_SECONDS,
      });
      await this.events.publish(consoleSignedIn(inserted.id, principal));
      return inserted;
    });
    return { secret, principal, expiresAt: row.absoluteExpiresAt };
  }
}
