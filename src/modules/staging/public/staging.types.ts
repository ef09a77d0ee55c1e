import type { AttrPath, FilterNode } from '../../../shared/scim/scim-filter.ast';

/** Which connection's data an operation is about; every staging call is scoped by it. */
export interface StagingScope {
  readonly tenantId: string;
  readonly connectionId: string;
}

export type ScimJson = Record<string, unknown>;

/** Who a staged user is, for the audit trail: its userName and the email Sync would use. */
export interface StagedUserSubject {
  readonly userName: string;
  readonly email: string | null;
}

/** A staged user as the SCIM layer needs it. `resource` has canonical names, no id/meta. */
export interface StagedUserRecord {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string | null;
  readonly active: boolean;
  /** The email Sync would use (lower-cased), as in StageUserInput. */
  readonly primaryEmail: string | null;
  readonly resource: ScimJson;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Ids of the live groups the user belongs to (RFC 7643 §4.1.2 `groups`, read-only). */
  readonly groups: ReadonlyArray<{ id: string; display: string }>;
}

export interface StagedGroupRecord {
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | null;
  readonly resource: ScimJson;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface StagedMember {
  readonly value: string;
  readonly type?: 'User' | 'Group';
  readonly display?: string;
}

/** What the SCIM layer hands Staging for a create or replace: canonical resource + indexed columns. */
export interface StageUserInput {
  readonly userName: string;
  readonly externalId: string | null;
  readonly displayName: string | null;
  readonly active: boolean;
  readonly primaryEmail: string | null;
  readonly resource: ScimJson;
  readonly rawPayload: unknown;
  /** Manager ids the caller left out of `resource` because this connection does not know them. */
  readonly ignoredManagerIds?: readonly string[];
}

export interface StageGroupInput {
  readonly displayName: string;
  readonly externalId: string | null;
  readonly resource: ScimJson;
  readonly rawPayload: unknown;
}

/** Membership changes of one PATCH, applied in SQL in O(changed members). */
export interface MemberChanges {
  readonly add: readonly StagedMember[];
  readonly remove: readonly string[];
  /** Replace the whole member list (PUT, `replace` on members, `remove` of all members). */
  readonly replaceAll?: readonly StagedMember[];
}

/** What a `modifyUser` mutation returns: the user's new state and the attributes it changed. */
export interface StagedUserChange {
  input: StageUserInput;
  changedAttributes: string[];
}

/** What a `modifyGroup` mutation returns: the group's new state, the attributes and members it changed. */
export interface StagedGroupChange {
  input: StageGroupInput;
  changedAttributes: string[];
  members: MemberChanges;
}

export interface StagedListQuery {
  readonly filter?: FilterNode;
  readonly sortBy?: AttrPath;
  readonly sortOrder?: 'ascending' | 'descending';
  /** 1-based (RFC 7644 §3.4.2.4). */
  readonly startIndex: number;
  readonly count: number;
}

export interface StagedPage<T> {
  readonly totalResults: number;
  readonly items: T[];
}

/** A keyset page of the admin visibility API; `nextCursor` is null on the last page. */
export interface StagedAdminPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Rows of the admin visibility API. */
export interface StagedUserAdminRow {
  id: string;
  userName: string;
  externalId: string | null;
  displayName: string | null;
  email: string | null;
  active: boolean;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
  syncedAt: string | null;
  syncSkipReason: string | null;
}

/** The console's filters on staged users (each backed by an index). */
export interface StagedUserAdminFilter {
  /** userName or email, exactly (case-insensitive). */
  q?: string;
  status?: 'active' | 'inactive' | 'deleted';
  skipReason?: string;
}

export interface StagedUserAdminRecord extends StagedUserAdminRow {
  resource: Record<string, unknown>;
  raw: unknown;
}

export interface StagedGroupAdminRow {
  id: string;
  displayName: string;
  externalId: string | null;
  memberCount: number;
  deleted: boolean;
  createdAt: string;
  updatedAt: string;
}

/** How a staged group is named — what group mapping rules match (displayName or externalId). */
export interface StagedGroupName {
  readonly displayName: string;
  readonly externalId: string | null;
}
