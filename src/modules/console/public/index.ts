export { ConsoleError, ConsoleErrorCode } from './console.errors';
export { ConsoleSignedInEvent } from './events/console-signed-in.event';
export { ConsoleSignedOutEvent, type ConsoleSessionEndReason } from './events/console-signed-out.event';
