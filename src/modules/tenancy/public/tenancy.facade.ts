/** A live SCIM connection, as other modules may see it. */
export interface ConnectionRef {
  readonly id: string;
  readonly tenantId: string;
}

/** Questions other modules may ask Tenancy. Read-only. */
export abstract class TenancyFacade {
  /** The connection if it exists and is not deleted; null for unknown or malformed ids. */
  abstract findLiveConnection(connectionId: string): Promise<ConnectionRef | null>;
}
