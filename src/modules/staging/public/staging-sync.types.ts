/** What Sync reads of one staged user: the columns its rules need and the ids of its live groups. */
export interface SyncStagedUser {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string | null;
  /** Work email, else primary, else first, else a userName that is an email — lower-cased; null if none. */
  readonly email: string | null;
  readonly displayName: string | null;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly active: boolean;
  readonly deleted: boolean;
  /** Bumped by every change of the row: Sync re-checks it after applying, to catch a racing change. */
  readonly version: number;
  /** Live staged groups the user is a direct member of. */
  readonly groupIds: readonly string[];
  readonly syncedAt: Date | null;
  readonly syncSkipReason: string | null;
}

/** A staged group as Sync's group mapping sees it (deleted ones included, for incremental runs). */
export interface SyncStagedGroup {
  readonly id: string;
  readonly displayName: string;
  readonly externalId: string | null;
  readonly deleted: boolean;
  readonly updatedAt: Date;
  /** Names the group had before renames, each with the instant it stopped having it, oldest first. */
  readonly formerNames: ReadonlyArray<{
    readonly displayName: string;
    readonly externalId: string | null;
    readonly renamedAt: Date;
  }>;
}

/**
 * Which staged users a page holds: every user (keyset-paged in creation order), only those a
 * deprovisioning pass looks at (inactive or deleted), or the given ids.
 */
export type SyncUserSelection =
  | { readonly kind: 'all'; readonly cursor?: string | null; readonly limit: number }
  | { readonly kind: 'deprovisionable'; readonly cursor?: string | null; readonly limit: number }
  /** `withGroups: false` leaves `groupIds` empty — a cheap re-read of versions. */
  | { readonly kind: 'ids'; readonly ids: readonly string[]; readonly withGroups?: boolean };

export interface SyncUserPage {
  readonly items: SyncStagedUser[];
  /** Opaque; null when the selection is exhausted (always null for `ids`). */
  readonly nextCursor: string | null;
}

/** What an incremental Sync run must look at again. */
export interface SyncChangeQuery {
  /** Users whose row changed after this instant (attributes, active, deletion). */
  readonly since: Date;
  /** Current members of these groups (their membership or the group changed). */
  readonly groupIds: readonly string[];
  /** Users whose last outcome was one of these reasons (e.g. `error`), to retry them. */
  readonly retrySkipReasons: readonly string[];
}

/** The outcome Sync reached for a staged user, shown on the staged row (`syncedAt`, `syncSkipReason`). */
export interface SyncOutcomeRecord {
  readonly stagedUserId: string;
  /** true: the tenant now reflects this row (provisioned, updated, deprovisioned or confirmed) → synced_at = now. */
  readonly synced: boolean;
  /** The reason the user is not (or no longer) a member, null when it is. */
  readonly skipReason: string | null;
}
