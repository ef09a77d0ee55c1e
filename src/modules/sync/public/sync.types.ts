/** How a run was started. */
export type SyncTrigger = 'manual' | 'scheduled';

/**
 * What a run covers: `full` — every staged user of the connection; `incremental` — what changed since
 * the last completed provisioning run; `deprovision` — only inactive/deleted staged users still holding
 * an active membership (the frequent deactivation pass).
 */
export type SyncMode = 'full' | 'incremental' | 'deprovision';

export type SyncRunStatus = 'in_progress' | 'completed' | 'failed';

/** Per-run (and per-step) tallies. `skipped` counts users recorded with a skip reason. */
export interface SyncCounts {
  provisioned: number;
  updated: number;
  deprovisioned: number;
  skipped: number;
  unchanged: number;
}

/**
 * Why a staged user is not (or no longer) a member after a run:
 * - `domain_not_allowed`: its email's domain is not one of the tenant's SSO domains;
 * - `already_member`: the email belongs to a member not provisioned by this staged user (manual, or
 *   another SCIM user) — never taken over;
 * - `no_email`: no work/primary/any email and a userName that is not an email;
 * - `inactive` / `deleted`: the IdP deactivated / deleted it;
 * - `revoked_by_admin`: an admin revoked its membership; Sync does not undo that;
 * - `error`: applying it failed (detail recorded); retried by the next run.
 */
export type SyncSkipReason =
  'domain_not_allowed' | 'already_member' | 'no_email' | 'inactive' | 'deleted' | 'revoked_by_admin' | 'error';
