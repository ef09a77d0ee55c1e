import { SetMetadata } from '@nestjs/common';

export const AUTH_SCHEME = 'roster:auth-scheme';
/** `admin` (the default for every route), `scim` (per-connection bearer, own guard) or `public`. */
export type AuthScheme = 'admin' | 'scim' | 'public';

/**
 * Declares how a controller or route authenticates. Routes without it need an API key (or the bootstrap
 * ADMIN_TOKEN) whose scope the route allows (`@AllowScopes`).
 */
export const Auth = (scheme: AuthScheme) => SetMetadata(AUTH_SCHEME, scheme);
