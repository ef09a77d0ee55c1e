/**
 * Sync's public door. Nothing asks Sync questions, so there is no facade: others learn about runs
 * through its events; admins through its HTTP API.
 */
export * from './sync.types';
export * from './sync.errors';
export * from './events/sync-run-started.event';
export * from './events/sync-run-completed.event';
export * from './events/sync-run-failed.event';
export * from './events/sync-users-skipped.event';
