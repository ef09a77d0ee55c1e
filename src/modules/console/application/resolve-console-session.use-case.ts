import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { ApiKeyVerifier, ConsoleSessionResolver, type Principal } from '../../../shared/domain/principal';
import { consoleSignedOut } from '../domain/console-session-events';
import { hashConsoleSessionSecret } from '../domain/console-session-secret';
import { ConsoleSessionRepository } from '../infrastructure/console-session.repository';

const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The guard's view of a console cookie: a live session whose key is still active, idle expiry slid.
 * A session found expired or with a revoked key is ended here, once, with its reason.
 */
@Injectable()
export class ResolveConsoleSessionUseCase extends ConsoleSessionResolver {
  constructor(
    private readonly sessions: ConsoleSessionRepository,
    private readonly keys: ApiKeyVerifier,
    private readonly tx: TransactionHost,
    private readonly events: EventBus,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {
    super();
  }

  async resolve(secret: string): Promise<{ sessionId: string; principal: Principal } | null> {
    if (!SECRET_SHAPE.test(secret)) return null;
    const idHash = hashConsoleSessionSecret(secret);
    const row = await this.sessions.touchLive(idHash, this.env.CONSOLE_SESSION_IDLE_TIMEOUT_SECONDS);
    if (!row) {
      // Only on the refusal path: a live cookie never pays for this statement.
      await this.tx.run(async () => {
        const expired = await this.sessions.endExpired(idHash);
        if (expired) await this.events.publish(consoleSignedOut(expired.row.id, expired.row.principal, expired.reason));
      });
      return null;
    }
    if (!(await this.keys.isActive(row.principal.keyId))) {
      await this.tx.run(async () => {
        const ended = await this.sessions.end(row.id, 'key_revoked');
        if (ended) await this.events.publish(consoleSignedOut(ended.id, ended.principal, 'key_revoked'));
      });
      return null;
    }
    return { sessionId: row.id, principal: row.principal };
  }
}
