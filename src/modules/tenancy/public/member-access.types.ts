import type { Actor } from '../../../shared/domain/domain-event';

/**
 * Why a member was given or lost an internal group (the audit trail's `reason`): a sync run's
 * decision, an admin's change of the mapping rules, the IdP taking it away (the SCIM group left,
 * deleted or renamed; the user deactivated or deleted), or an admin acting on the member directly.
 */
export type AccessChangeReason = 'sync_decision' | 'mapping_change' | 'idp_removal' | 'admin';

/** A mapping rule that gives an internal group, and who added it (null for rules older than that record). */
export interface AccessGrantRule {
  readonly scimGroupDisplayName: string | null;
  readonly scimGroupExternalId: string | null;
  readonly createdAt: string;
  readonly createdBy: Actor | null;
}

/** One internal group given to or taken from a member, named as it was then. */
export interface AccessChange {
  readonly change: 'given' | 'taken';
  readonly internalGroupId: string;
  readonly internalGroupName: string;
  readonly permissions: string[];
  readonly sites: Array<{ id: string; name: string }>;
  readonly reason: AccessChangeReason;
  /** For a sync grant: the connection's rules that map to the group (at most 5). */
  readonly rules?: AccessGrantRule[];
}
