import { DomainEvent } from '../../../../shared/domain/domain-event';

/**
 * A member lost an internal group (and the permissions and sites it carried) at once, because the
 * IdP took away the SCIM group that gave it — removed the member, deleted or renamed the group —
 * or an admin removed the mapping rule. The membership itself stays. Values are as they were then.
 */
export class MemberAccessRevokedEvent extends DomainEvent<{
  accountId: string;
  membershipId: string;
  email: string;
  connectionId: string;
  stagedUserId: string;
  internalGroupId: string;
  internalGroupName: string;
  permissions: string[];
  sites: Array<{ id: string; name: string }>;
  cause: 'scim_group_members_removed' | 'scim_group_deleted' | 'scim_group_renamed' | 'group_mapping_removed';
  /** The SCIM group whose change caused it; null for a mapping rule change. */
  stagedGroupId: string | null;
  /** How that SCIM group was named (absent for a mapping rule change, and in older events). */
  scimGroup?: { displayName: string; externalId: string | null };
  /** The removed mapping rule (cause group_mapping_removed; absent in older events). */
  rule?: { scimGroupDisplayName: string | null; scimGroupExternalId: string | null };
}> {
  static override readonly eventName = 'tenancy.member.access_revoked';
  static override readonly version = 1;
}
