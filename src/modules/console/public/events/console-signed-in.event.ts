import { DomainEvent } from '../../../../shared/domain/domain-event';

/** Emitted when an API key is exchanged for a console session (never the key or the cookie). */
export class ConsoleSignedInEvent extends DomainEvent<{
  /** The session row's id, not its cookie secret. */
  sessionId: string;
  keyId: string;
  keyName: string;
  scope: 'admin' | 'tenant';
  keyTenantId: string | null;
}> {
  static override readonly eventName = 'console.session.signed_in';
  static override readonly version = 1;
}
