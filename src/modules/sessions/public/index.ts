/** Sessions' public door. */
export * from './sessions.errors';
export * from './events/sessions-terminated.event';
export * from './events/session-created.event';
