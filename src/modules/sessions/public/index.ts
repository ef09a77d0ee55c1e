/** Sessions' public door. */
export * from './sessions.errors';
export * from './events/sessions-terminated.event';
