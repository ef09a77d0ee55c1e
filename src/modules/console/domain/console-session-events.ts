import type { Actor } from '../../../shared/domain/domain-event';
import { ConsoleSignedInEvent } from '../public/events/console-signed-in.event';
import { ConsoleSignedOutEvent, type ConsoleSessionEndReason } from '../public/events/console-signed-out.event';

/** The key a session acts as (structurally the HTTP layer's Principal). */
interface Principal {
  readonly keyId: string;
  readonly keyName: string;
  readonly scope: 'admin' | 'tenant' | 'sessions';
  readonly tenantId: string | null;
}

const keyOf = (sessionId: string, p: Principal) => ({
  sessionId,
  keyId: p.keyId,
  keyName: p.keyName,
  // A sessions key never gets a console session (refused at sign-in, and by the table's check).
  scope: p.scope === 'tenant' ? ('tenant' as const) : ('admin' as const),
  keyTenantId: p.tenantId,
});

/** The key acts: the sign-in route is public, so the request has no actor of its own yet. */
const actorOf = (p: Principal): Actor => ({ type: 'admin', keyId: p.keyId, keyName: p.keyName, scope: p.scope });

export function consoleSignedIn(sessionId: string, principal: Principal): ConsoleSignedInEvent {
  return new ConsoleSignedInEvent(keyOf(sessionId, principal), {
    tenantId: principal.tenantId,
    actor: actorOf(principal),
  });
}

/** Sign out is the key's act; a timeout or a revoked key is noticed by Roster (actor system). */
export function consoleSignedOut(
  sessionId: string,
  principal: Principal,
  reason: ConsoleSessionEndReason,
): ConsoleSignedOutEvent {
  return new ConsoleSignedOutEvent(
    { ...keyOf(sessionId, principal), reason },
    { tenantId: principal.tenantId, actor: reason === 'sign_out' ? actorOf(principal) : { type: 'system' } },
  );
}
