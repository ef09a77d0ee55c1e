/** What an API key may do: everything, everything under one tenant, or the host product's session calls. */
export const PRINCIPAL_SCOPES = ['admin', 'tenant', 'sessions'] as const;
export type PrincipalScope = (typeof PRINCIPAL_SCOPES)[number];

/**
 * Who calls the admin or sessions API: the API key the request presented. `tenantId` is null for
 * admin keys and set for `tenant` and `sessions` keys. Resolved once per request by
 * PrincipalResolver; authorisation (ApiAccessGuard) only ever looks at this shape.
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

/** Checks a presented API key secret (provided by Tenancy under API_KEY_VERIFIER: shared/ imports no module). */
export interface ApiKeyVerifier {
  /** The key's principal, or null for an unknown, revoked or malformed secret. Never logs the secret. */
  verify(secret: string): Promise<Principal | null>;
}

/** DI token of the ApiKeyVerifier. */
export const API_KEY_VERIFIER = Symbol('API_KEY_VERIFIER');

/** Where the guard leaves the principal on the request. */
export const PRINCIPAL_KEY = 'rosterPrincipal';

export type RequestWithPrincipal = { [PRINCIPAL_KEY]?: Principal };

/** The principal the guard resolved for this request (undefined on public and SCIM routes). */
export function principalOf(request: unknown): Principal | undefined {
  return (request as RequestWithPrincipal)[PRINCIPAL_KEY];
}
