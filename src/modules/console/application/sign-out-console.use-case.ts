import { Injectable } from '@nestjs/common';
import { ConsoleSessionRepository } from '../infrastructure/console-session.repository';

/** Ends a console session server-side: its cookie is refused from that moment, wherever it was copied. */
@Injectable()
export class SignOutConsoleUseCase {
  constructor(private readonly sessions: ConsoleSessionRepository) {}

  async execute(sessionId: string): Promise<void> {
    await this.sessions.end(sessionId, 'sign_out');
  }
}
