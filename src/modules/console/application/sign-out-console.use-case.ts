import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { consoleSignedOut } from '../domain/console-session-events';
import { ConsoleSessionRepository } from '../infrastructure/console-session.repository';

/** Ends a console session server-side: its cookie is refused from that moment, wherever it was copied. */
@Injectable()
export class SignOutConsoleUseCase {
  constructor(
    private readonly sessions: ConsoleSessionRepository,
    private readonly tx: TransactionHost,
    private readonly events: EventBus,
  ) {}

  async execute(sessionId: string): Promise<void> {
    await this.tx.run(async () => {
      const ended = await this.sessions.end(sessionId, 'sign_out');
      if (ended) await this.events.publish(consoleSignedOut(ended.id, ended.principal, 'sign_out'));
    });
  }
}
