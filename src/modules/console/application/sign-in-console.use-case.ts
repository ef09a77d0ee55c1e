import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { ApiKeyVerifier, type Principal } from '../../../shared/domain/principal';
import { hashConsoleSessionSecret, newConsoleSessionSecret } from '../domain/console-session-secret';
import { ConsoleSessionRepository } from '../infrastructure/console-session.repository';
import { ConsoleError, ConsoleErrorCode } from '../public/console.errors';

/** Exchanges an API key for a console session; the session acts with exactly that key's principal. */
@Injectable()
export class SignInConsoleUseCase {
  constructor(
    private readonly keys: ApiKeyVerifier,
    private readonly sessions: ConsoleSessionRepository,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {}

  async execute(apiKey: string): Promise<{ secret: string; principal: Principal; expiresAt: Date }> {
    const principal = await this.keys.verify(apiKey);
    if (!principal) throw new ConsoleError(ConsoleErrorCode.INVALID_KEY, 'this API key is not valid');
    if (principal.scope === 'sessions') {
      throw new ConsoleError(
        ConsoleErrorCode.KEY_NOT_ALLOWED,
        'a sessions key is for the host product’s backend and cannot sign in to the console; use an admin or tenant key',
      );
    }
    const secret = newConsoleSessionSecret();
    const row = await this.sessions.insert({
      id: randomUUID(),
      idHash: hashConsoleSessionSecret(secret),
      principal,
      idleSeconds: this.env.CONSOLE_SESSION_IDLE_TIMEOUT_SECONDS,
      absoluteSeconds: this.env.CONSOLE_SESSION_ABSOLUTE_TIMEOUT_SECONDS,
    });
    return { secret, principal, expiresAt: row.absoluteExpiresAt };
  }
}
