import type { ScimPrincipal, ScimRequestLike } from '../public/scim-bearer.constants';

/** Authenticates a SCIM request (the bearer token in http/); the facade hands it to the SCIM guard. */
export abstract class ScimRequestAuthenticator {
  /** The principal, or null for a missing, malformed, unknown, revoked or foreign token. */
  abstract authenticate(req: ScimRequestLike): Promise<ScimPrincipal | null>;
}
