import type { AuditChange } from '../../../audit/public';
import type { StagedUserSubject } from '../staging.types';

/** The staged user every `staging.user.*` event is about. */
export interface StagedUserPayload {
  connectionId: string;
  stagedUserId: string;
  externalId: string | null;
  /** Who the user is, as the IdP sent it (absent in events written before it was added). */
  subject?: StagedUserSubject;
}

/** The staged group a `staging.group.*` event is about. */
export interface StagedGroupPayload {
  connectionId: string;
  stagedGroupId: string;
  externalId: string | null;
}

/** What an IdP's update of a staged user or group changed; `changedAttributes` names the top-level attributes. */
export interface StagedChangesPayload {
  changedAttributes: string[];
  /** Old and new values (audit-changes.ts: secrets masked, bounded); absent in older events. */
  changes?: AuditChange[];
  /** Changed attributes beyond the cap, not listed in `changes`. */
  changesOmitted?: number;
}
