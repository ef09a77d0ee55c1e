/** Staging's public door: what other modules may import. */
export * from './staging.facade';
export * from './staging.types';
export * from './staging-sync.types';
export * from './staging.errors';
export * from './events/staged-event.types';
export * from './events/staged-user-created.event';
export * from './events/staged-user-updated.event';
export * from './events/staged-user-deactivated.event';
export * from './events/staged-user-reactivated.event';
export * from './events/staged-user-deleted.event';
export * from './events/staged-group-created.event';
export * from './events/staged-group-updated.event';
export * from './events/staged-group-deleted.event';
export * from './events/staged-membership-changed.event';
export * from './events/staged-references-ignored.event';
export * from './events/staged-group-members-left.event';
