import { DomainEvent } from '../../../../shared/domain/domain-event';

/**
 * The host product's backend created a session for a member (never the token or its hash). The
 * actor is the API key that asked; `email` is the address it asked for, the member's subject.
 */
export class SessionCreatedEvent extends DomainEvent<{
  sessionId: string;
  accountId: string;
  email: string;
  expiresAt: string;
}> {
  static override readonly eventName = 'sessions.session.created';
  static override readonly version = 1;
}
