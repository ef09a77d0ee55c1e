/** A live SCIM connection, as other modules may see it. */
export interface ConnectionRef {
  readonly id: string;
  readonly tenantId: string;
}

/** An active membership of an account in a tenant. */
export interface ActiveMembershipRef {
  readonly membershipId: string;
  readonly accountId: string;
  readonly tenantId: string;
  readonly email: string;
}

/** Questions other modules may ask Tenancy (read-only). Sync's commands are added beside these. */
export abstract class TenancyFacade {
  /** The connection if it exists and is not deleted; null for unknown or malformed ids. */
  abstract findLiveConnection(connectionId: string): Promise<ConnectionRef | null>;

  /** The account's active membership in the tenant, by email (case-insensitive); null otherwise. */
  abstract findActiveMembership(tenantId: string, email: string): Promise<ActiveMembershipRef | null>;

  /** Whether the membership is still active (the host product's sessions depend on it). */
  abstract isMembershipActive(tenantId: string, accountId: string): Promise<boolean>;
}
