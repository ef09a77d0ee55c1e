/** What an API key may do: everything, everything under one tenant, or the host product's session calls. */
export const PRINCIPAL_SCOPES = ['admin', 'tenant', 'sessions'] as const;
export type PrincipalScope = (typeof PRINCIPAL_SCOPES)[number];
/** The same, by the console's name for it. */
export type KeyScope = PrincipalScope;

/**
 * Who calls the admin or sessions API: the API key the request presented (as a bearer, or behind a
 * console session). `tenantId` is null for admin keys and set for `tenant` and `sessions` keys.
 * Resolved once per request by PrincipalResolver; authorisation (ApiAccessGuard) only looks at this.
 */
export interface Principal {
  readonly keyId: string;
  readonly keyName: string;
  readonly scope: PrincipalScope;
  readonly tenantId: string | null;
}

/** The ADMIN_TOKEN bootstrap key: an admin key with a fixed id. */
export const BOOTSTRAP_PRINCIPAL: Principal = Object.freeze({
  keyId: 'bootstrap',
  keyName: 'bootstrap',
  scope: 'admin',
  tenantId: null,
});

/**
 * Checks an API key's secret — the bootstrap ADMIN_TOKEN or a stored key; the console exchanges
 * keys through it, the guard checks bearers with it.
 */
export abstract class ApiKeyVerifier {
  /**
   * The key's principal, or null for an unknown, revoked or malformed secret. Never logs the secret.
   * Failed lookups are budgeted per client address: past the budget it throws 429 instead of
   * looking a key up (ADMIN_AUTH_FAILURES_PER_MINUTE).
   */
  abstract verify(secret: string, clientAddress: string): Promise<Principal | null>;
  /** False once the key is revoked: a console session made from it ends with it. */
  abstract isActive(keyId: string): Promise<boolean>;
}

/** The stored (minted) keys, as Tenancy provides them under STORED_API_KEYS: shared/ imports no module. */
export interface StoredApiKeys {
  /** `beforeLookup` runs (and may throw) only when the database is to be asked. */
  verify(secret: string, beforeLookup?: (keyHashHex: string) => Promise<void>): Promise<Principal | null>;
  isActive(keyId: string): Promise<boolean>;
}

/** DI token of Tenancy's StoredApiKeys. */
export const STORED_API_KEYS = Symbol('STORED_API_KEYS');

/** Resolves the console's session cookie to the principal of the key it was exchanged for. */
export abstract class ConsoleSessionResolver {
  abstract resolve(secret: string): Promise<{ sessionId: string; principal: Principal } | null>;
}
