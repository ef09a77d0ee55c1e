export { ConsoleError, ConsoleErrorCode } from './console.errors';
