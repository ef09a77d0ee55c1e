/** Audit's public door: what other modules may import. Audit answers no questions of other modules. */
export * from './audit.errors';
export * from './events/audit-trail-pruned.event';
// How publishers record what changed (old/new, secrets masked, bounded) — the trail's one rule for it.
export * from '../domain/audit-changes';
