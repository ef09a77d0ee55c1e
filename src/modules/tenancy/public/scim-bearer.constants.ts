/** What a verified SCIM bearer token stands for; set as `request.user` on SCIM routes. */
export interface ScimPrincipal {
  readonly tenantId: string;
  readonly connectionId: string;
  readonly tokenId: string;
}

/** What SCIM authentication reads of a request: its headers and the `:connectionId` route parameter. */
export interface ScimRequestLike {
  headers: Record<string, string | string[] | undefined>;
  /** The client address (Fastify's `request.ip`). */
  ip?: string;
  params?: Record<string, string | undefined>;
  body?: unknown;
  query?: unknown;
}
