import { AsyncLocalStorage } from 'node:async_hooks';
import { Client, type ClientConfig } from 'pg';

const longWork = new AsyncLocalStorage<number>();

/**
 * Runs `fn` with the long-work bound on its statements (an export, a sync run, migrations) instead
 * of the request bound. `ms` is DATABASE_LONG_STATEMENT_TIMEOUT_MS.
 */
export function withLongStatements<T>(ms: number, fn: () => T): T {
  return longWork.run(ms, fn);
}

/** The error a statement that outlived its bound fails with; `ETIMEDOUT` makes it a 503 (isDatabaseUnavailable). */
export class StatementTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`database statement got no answer within ${ms} ms; connection discarded`);
  }
}

export interface BoundedClientConfig extends ClientConfig {
  /** Bound of an ordinary statement, ms (0: none). */
  roster_statement_bound_ms?: number;
  /** Bound of a statement under withLongStatements and of a streamed one (COPY), ms. */
  roster_long_statement_bound_ms?: number;
}

type Callback = (err: Error | null, res?: unknown) => void;
interface Submittable {
  submit: unknown;
  callback?: Callback;
  once?(event: string, listener: () => void): unknown;
}

/**
 * node-pg's Client with a client-side bound on every statement. A database that goes silent (a
 * partition: packets dropped, nothing closed) answers nothing, so no server-side timeout ever fires;
 * pg's own `query_timeout` fails the query but keeps the connection, whose next statement (the
 * ROLLBACK) then waits behind the lost one. Here the socket is destroyed: the statement and
 * everything queued behind it fail at once with StatementTimeoutError, the client emits `error`,
 * and the pool drops it instead of lending it out again.
 */
export class BoundedClient extends Client {
  private readonly boundMs: number;
  private readonly longBoundMs: number;

  constructor(config: BoundedClientConfig) {
    super(config);
    this.boundMs = config.roster_statement_bound_ms ?? 0;
    this.longBoundMs = config.roster_long_statement_bound_ms ?? this.boundMs;
  }

  // pg's query() is heavily overloaded; the bound wraps whichever form was used.
  override query(...args: unknown[]): never {
    const [config] = args as [Submittable | string | { text: string } | undefined];
    const submittable =
      typeof config === 'object' && config !== null && typeof (config as Submittable).submit === 'function';
    const ms = longWork.getStore() ?? (submittable ? this.longBoundMs : this.boundMs);
    const query = (super.query as (...a: unknown[]) => unknown).bind(this);
    if (ms <= 0) return query(...args) as never;
    let timer: NodeJS.Timeout | undefined = setTimeout(() => {
      timer = undefined;
      (this as unknown as { connection: { stream: { destroy(err?: Error): void } } }).connection.stream.destroy(
        new StatementTimeoutError(ms),
      );
    }, ms);
    timer.unref();
    const settle = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    };
    const last = args.length - 1;
    if (typeof args[last] === 'function') {
      const cb = args[last] as Callback;
      args[last] = (err: Error | null, res?: unknown) => {
        settle();
        cb(err, res);
      };
      return query(...args) as never;
    }
    if (submittable) {
      const sub = config as Submittable;
      if (typeof sub.callback === 'function') {
        const cb = sub.callback;
        sub.callback = (err, res) => {
          settle();
          cb(err, res);
        };
      }
      sub.once?.('close', settle);
      sub.once?.('end', settle);
      sub.once?.('error', settle);
      return query(...args) as never;
    }
    const result = query(...args) as Promise<unknown>;
    return result.finally(settle) as never;
  }
}
