/** Passport strategy name of the per-connection SCIM bearer token (`AuthGuard(SCIM_BEARER)`). */
export const SCIM_BEARER = 'scim-bearer';

/** What a verified SCIM bearer token stands for; set as `request.user` on SCIM routes. */
export interface ScimPrincipal {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly tokenId: string;
}
