import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/** Nest's level names → pino's (`log` is pino's `info`, `verbose` its `trace`). */
const PINO_LEVEL: Record<LogLevel, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/**
 * Nest's start-up chatter (a "Mapped {…} route" line per route, one per module initialised) goes to
 * debug: the ready line says what an operator needs in one line.
 */
const QUIET_CONTEXTS = new Set([
  'RoutesResolver',
  'RouterExplorer',
  'InstanceLoader',
  'NestFactory',
  'NestApplication',
]);

export interface AppLoggerOptions {
  format: 'json' | 'pretty';
  level: LogLevel;
  /** Where lines go; stdout (synchronously, so a line written before process.exit is not lost) by default. */
  destination?: DestinationStream;
}

/** One pino logger for the process: JSON lines (ISO time, level name) or, for development, pino-pretty. */
export function createPino(options: AppLoggerOptions): Logger {
  const level = PINO_LEVEL[options.level];
  const destination =
    options.destination ??
    (options.format === 'pretty'
      ? pinoPretty({
          sync: true,
          colorize: process.stdout.isTTY,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname',
        })
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Nest's LoggerService over pino: `context` becomes a field, an Error's stack its own field. */
export class AppLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(nestLevel: LogLevel, message: unknown, params: unknown[]): void {
    // Nest's convention: the last string parameter is the context; error(message, stack, context).
    const context = params.length > 0 && typeof params[params.length - 1] === 'string' ? params.pop() : undefined;
    const level = typeof context === 'string' && QUIET_CONTEXTS.has(context) ? 'debug' : PINO_LEVEL[nestLevel];
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields.context = context;
    if (nestLevel === 'error' && typeof params[0] === 'string') fields.stack = params[0];
    if (message instanceof Error) {
      fields.err = message;
      this.pino[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

/** The process logger from (possibly not yet validated) settings: JSON in production unless LOG_FORMAT says otherwise. */
export function createAppLogger(
  settings: { LOG_FORMAT?: string; NODE_ENV?: string; LOG_LEVEL?: string },
  destination?: DestinationStream,
): AppLogger {
  const format =
    settings.LOG_FORMAT === 'json' || settings.LOG_FORMAT === 'pretty'
      ? settings.LOG_FORMAT
      : settings.NODE_ENV === 'production'
        ? 'json'
        : 'pretty';
  const level = (settings.LOG_LEVEL && settings.LOG_LEVEL in PINO_LEVEL ? settings.LOG_LEVEL : 'log') as LogLevel;
  return new AppLogger(createPino({ format, level, destination }));
}
