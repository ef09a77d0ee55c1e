import { DomainEvent } from '../../../../shared/domain/domain-event';

/**
 * Emitted when a console session ends: Sign out, the key revoked, or an idle or absolute expiry
 * noticed when its cookie is next presented (a session never presented again ends silently).
 */
export class ConsoleSignedOutEvent extends DomainEvent<{
  sessionId: string;
  keyId: string;
  keyName: string;
  scope: 'admin' | 'tenant';
  keyTenantId: string | null;
  reason: ConsoleSessionEndReason;
}> {
  static override readonly eventName = 'console.session.signed_out';
  static override readonly version = 1;
}

export type ConsoleSessionEndReason = 'sign_out' | 'key_revoked' | 'idle_timeout' | 'absolute_timeout';
