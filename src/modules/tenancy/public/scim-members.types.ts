/** The connection a Sync command is about; every command is scoped by tenant AND connection. */
export interface ScimMemberScope {
  readonly tenantId: string;
  readonly connectionId: string;
}

/** A group mapping rule: a SCIM group, by displayName (case-insensitive) or externalId → an internal group. */
export interface GroupMappingRule {
  readonly scimGroupDisplayName: string | null;
  readonly scimGroupExternalId: string | null;
  readonly internalGroupId: string;
}

/** What Sync needs to know about the tenant of a connection before it decides anything. */
export interface ScimSyncContext extends ScimMemberScope {
  /** Lower-cased SSO domains of the tenant. */
  readonly ssoDomains: readonly string[];
  readonly mappings: readonly GroupMappingRule[];
}

/**
 * The state Sync wants for one staged user, decided from staged data alone:
 * - `member`: an eligible user — an active SCIM membership with these attributes and exactly these
 *   SCIM-sourced internal groups;
 * - `absent`: the staged user is inactive or deleted — no active SCIM membership.
 */
export type ScimMemberDesiredState =
  | {
      readonly state: 'member';
      readonly stagedUserId: string;
      /** Lower-cased. */
      readonly email: string;
      readonly displayName: string | null;
      readonly givenName: string | null;
      readonly familyName: string | null;
      /** Internal group ids from the connection's group mappings, sorted, unique. */
      readonly internalGroupIds: readonly string[];
    }
  | { readonly state: 'absent'; readonly stagedUserId: string; readonly reason: 'inactive' | 'deleted' };

/** Why Tenancy would not make a staged user a member. */
export type ScimMemberSkipReason =
  /** The email belongs to a member not provisioned by this staged user (manual, or another SCIM user) — never taken over. */
  | 'already_member'
  /** An admin revoked this SCIM membership; Sync does not undo an admin's decision. */
  | 'revoked_by_admin';

/** What Tenancy did (or, for a plan, would do) for one staged user. */
export interface ScimMemberOutcome {
  readonly stagedUserId: string;
  readonly result: 'provisioned' | 'updated' | 'deprovisioned' | 'unchanged' | 'skipped' | 'failed';
  readonly reason?: ScimMemberSkipReason;
  /** Null for a plan's new account, or when the user is not linked to any. */
  readonly accountId: string | null;
  readonly membershipId: string | null;
  /** `provisioned` by restoring a revoked SCIM membership. */
  readonly reactivated?: boolean;
  /** Attribute names that changed: email, displayName, givenName, familyName, groups. */
  readonly changes?: readonly string[];
  /** `failed`: the error, without parameters. */
  readonly error?: string;
}
