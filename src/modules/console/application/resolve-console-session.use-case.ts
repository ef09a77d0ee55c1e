import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { ApiKeyVerifier, ConsoleSessionResolver, type Principal } from '../../../shared/domain/principal';
import { hashConsoleSessionSecret } from '../domain/console-session-secret';
import { ConsoleSessionRepository } from '../infrastructure/console-session.repository';

const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The guard's view of a console cookie: a live session whose key is still active, idle expiry slid. */
@Injectable()
export class ResolveConsoleSessionUseCase extends ConsoleSessionResolver {
  constructor(
    private readonly sessions: ConsoleSessionRepository,
    private readonly keys: ApiKeyVerifier,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {
    super();
  }

  async resolve(secret: string): Promise<{ sessionId: string; principal: Principal } | null> {
    if (!SECRET_SHAPE.test(secret)) return null;
    const row = await this.sessions.touchLive(
      hashConsoleSessionSecret(secret),
      this.env.CONSOLE_SESSION_IDLE_TIMEOUT_SECONDS,
    );
    if (!row) return null;
    if (!(await this.keys.isActive(row.principal.keyId))) {
      await this.sessions.end(row.id, 'key_revoked');
      return null;
    }
    return { sessionId: row.id, principal: row.principal };
  }
}
