import type { Principal } from '../domain/principal';

/** The request as the guard leaves it: who called, and through which console session (if any). */
export interface AuthenticatedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The client address Roster records (Fastify's, after TRUST_PROXY). */
  ip?: string;
  principal?: Principal;
  consoleSessionId?: string;
}

/** Where the guard leaves the principal on the request. */
export const PRINCIPAL_KEY = 'principal';

export type RequestWithPrincipal = { [PRINCIPAL_KEY]?: Principal };

/** The principal the guard resolved for this request (undefined on public and SCIM routes). */
export function principalOf(request: unknown): Principal | undefined {
  return (request as RequestWithPrincipal)[PRINCIPAL_KEY];
}
