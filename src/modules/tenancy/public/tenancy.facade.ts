import type { ScimPrincipal, ScimRequestLike } from './scim-bearer.constants';
import type { ScimMemberDesiredState, ScimMemberOutcome, ScimMemberScope, ScimSyncContext } from './scim-members.types';

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

/** A member's effective access: the union over its internal groups (sorted, unique). */
export interface MemberAccess {
  readonly accountId: string;
  readonly email: string;
  readonly active: boolean;
  readonly permissions: readonly string[];
  readonly siteIds: readonly string[];
}

/**
 * Tenancy's public door. Questions (read-only) and Sync's commands. Commands run their own
 * transaction: call them outside any other module's transaction.
 */
export abstract class TenancyFacade {
  /**
   * The SCIM connection a request's bearer token opens, if the token is valid, live and issued for
   * the connection in the request's path; null otherwise. Sets the request context's actor.
   */
  abstract authenticateScimRequest(req: ScimRequestLike): Promise<ScimPrincipal | null>;

  /** The connection if it exists and is not deleted; null for unknown or malformed ids. */
  abstract findLiveConnection(connectionId: string): Promise<ConnectionRef | null>;

  /**
   * The connection, deleted or not (admins still read a deleted connection's sync history and staged
   * data); null for unknown or malformed ids.
   */
  abstract findConnection(
    connectionId: string,
  ): Promise<(ConnectionRef & { readonly deletedAt: string | null }) | null>;

  /** The account's active membership in the tenant, by email (case-insensitive); null otherwise. */
  abstract findActiveMembership(tenantId: string, email: string): Promise<ActiveMembershipRef | null>;

  /** The account's membership in the tenant (email, status, permissions, sites); null when it has none. */
  abstract getMemberAccess(tenantId: string, accountId: string): Promise<MemberAccess | null>;

  /** Every live SCIM connection (what scheduled sync runs iterate over), oldest first. */
  abstract listLiveConnections(): Promise<ConnectionRef[]>;

  /** The tenant's SSO domains and the connection's group mapping rules; null if the connection is not live. */
  abstract getSyncContext(connectionId: string): Promise<ScimSyncContext | null>;

  /** What `applyScimMembers` would do for this batch, changing nothing. */
  abstract planScimMembers(
    scope: ScimMemberScope,
    desired: readonly ScimMemberDesiredState[],
  ): Promise<ScimMemberOutcome[]>;

  /**
   * COMMAND. Brings the memberships of a batch of staged users to their desired state in one
   * transaction (a failed batch is retried user by user; users that still fail come back `failed`
   * with nothing written). Publishes `tenancy.member.provisioned|updated` and
   * `tenancy.membership.revoked` (reason `sync_deprovisioned`) with the run id.
   */
  abstract applyScimMembers(
    scope: ScimMemberScope & { runId: string | null },
    desired: readonly ScimMemberDesiredState[],
  ): Promise<ScimMemberOutcome[]>;

  /** Staged users of the connection whose SCIM-sourced memberships hold any of these internal groups. */
  abstract findScimMembersInGroups(scope: ScimMemberScope, internalGroupIds: readonly string[]): Promise<string[]>;
}
