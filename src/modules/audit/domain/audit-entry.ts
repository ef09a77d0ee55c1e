import type { Actor } from '../../../shared/domain/domain-event';

/** Who did it, copied from the event's metadata. */
export type AuditActor = Actor;

/** What the action was done to. */
export interface AuditTarget {
  readonly type: string;
  readonly id: string;
}

/** The person an entry is about, where the event knows them (a reviewer searches the trail by it). */
export interface AuditSubject {
  readonly userName?: string;
  readonly email?: string;
  readonly accountId?: string;
}

/**
 * One audit entry: every field here is covered by the entry's hash (see audit-chain.ts), so none
 * can change without breaking the chain. `details` holds attribute names and, where the event
 * carries them, values — never secrets (see redact-secrets.ts).
 */
export interface AuditRecord {
  /** Position in the global chain: 1, 2, 3 … (gapless). */
  readonly seq: number;
  readonly id: string;
  /** When the fact happened (the event's occurredAt), ISO-8601 UTC with milliseconds. */
  readonly occurredAt: string;
  readonly tenantId: string | null;
  readonly actor: AuditActor;
  /** Dotted `resource.verb`, e.g. `scim_user.deactivated`. */
  readonly action: string;
  readonly target: AuditTarget | null;
  /** A human label of the target as it was then: a tenant/connection/token name, an IdP externalId. */
  readonly targetLabel: string | null;
  /** The person the entry is about (SCIM user, member, session holder), or null. */
  readonly subject: AuditSubject | null;
  /** One human sentence. */
  readonly summary: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly correlationId: string | null;
  readonly sourceIp: string | null;
  /** The domain event the entry was written from (unique: a redelivered event never writes twice). */
  readonly eventId: string | null;
}

// Lone UTF-16 surrogates and NUL cannot be stored in PostgreSQL text (the driver or the server would
// change or refuse them), and a stored value that differs from the hashed one breaks the chain.
// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL text cannot store
const UNSTORABLE = /[\u0000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string as it will read back from PostgreSQL. */
export function storable(value: string): string {
  return value.replace(UNSTORABLE, '\uFFFD');
}

/** Deep copy of a JSON value with every string (keys included) made storable. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[storable(k)] = storableJson(v);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}
