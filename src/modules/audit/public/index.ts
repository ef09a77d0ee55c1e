/** Audit's public door: what other modules may import. Audit answers no questions of other modules. */
export * from './audit.errors';
export * from './events/audit-trail-pruned.event';
