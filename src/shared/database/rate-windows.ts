import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';
import { sqlRows } from './sql';

export interface RateWindowSpec {
  key: string;
  ttlMs: number;
}

export interface RateWindowCount {
  /** Hits in the key's current window, this one included (for `hit`), refused ones too. */
  hits: number;
  /** Milliseconds until the window ends and the count starts again at 0. */
  resetMs: number;
}

const PRUNE_EVERY_MS = 60_000;
const WARN_EVERY_MS = 60_000;

/**
 * Rate-limit windows in PostgreSQL (platform.rate_window), so a limit holds across every replica on
 * the database, however the load balancer spreads requests. A window opens at a key's first hit and
 * lasts `ttlMs` (the in-memory semantics of @nestjs/throttler it replaces: at most `limit` in the
 * window that started with the first request); one statement counts any number of keys.
 *
 * When counting fails: an unreachable database is passed on (the request would get its 503 at its
 * own first statement anyway; a 429 would tell the IdP the wrong thing); any other failure admits
 * the request (fail open) with a warning — a limit is worth less than the service.
 */
@Injectable()
export class RateWindows implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RateWindows.name);
  private timer?: NodeJS.Timeout;
  private lastWarnAt = 0;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Counts one hit on each key; undefined when counting failed for another reason than an unreachable database. */
  async hit(specs: RateWindowSpec[]): Promise<Map<string, RateWindowCount> | undefined> {
    try {
      const rows = await sqlRows<{ key: string; hits: number; reset_ms: number }>(
        this.dataSource.manager,
        `INSERT INTO platform.rate_window AS w (key, window_start, ttl_ms, hits)
         SELECT k, now(), t, 1 FROM unnest($1::text[], $2::int[]) AS u(k, t)
         ON CONFLICT (key) DO UPDATE SET
           window_start = CASE WHEN w.window_start + w.ttl_ms * interval '1 millisecond' <= now()
                               THEN now() ELSE w.window_start END,
           hits = CASE WHEN w.window_start + w.ttl_ms * interval '1 millisecond' <= now() THEN 1 ELSE w.hits + 1 END,
           ttl_ms = EXCLUDED.ttl_ms
         RETURNING key, hits,
           ceil(extract(epoch FROM w.window_start + w.ttl_ms * interval '1 millisecond' - now()) * 1000)::int AS reset_ms`,
        [specs.map((s) => s.key), specs.map((s) => s.ttlMs)],
      );
      return toCounts(rows);
    } catch (err) {
      return this.failed(err);
    }
  }

  /** The keys' live windows without counting (a key without one is absent). */
  async peek(keys: string[]): Promise<Map<string, RateWindowCount> | undefined> {
    try {
      const rows = await sqlRows<{ key: string; hits: number; reset_ms: number }>(
        this.dataSource.manager,
        `SELECT key, hits,
                ceil(extract(epoch FROM window_start + ttl_ms * interval '1 millisecond' - now()) * 1000)::int AS reset_ms
           FROM platform.rate_window
          WHERE key = ANY($1::text[]) AND window_start + ttl_ms * interval '1 millisecond' > now()`,
        [keys],
      );
      return toCounts(rows);
    } catch (err) {
      return this.failed(err);
    }
  }

  private failed(err: unknown): undefined {
    if (isDatabaseUnavailable(err)) throw err;
    if (Date.now() - this.lastWarnAt > WARN_EVERY_MS) {
      this.lastWarnAt = Date.now();
      this.logger.warn(`rate-limit counting failed, requests admitted uncounted: ${(err as Error).message}`);
    }
    return undefined;
  }

  private async prune(): Promise<void> {
    await this.dataSource
      .query(`DELETE FROM platform.rate_window WHERE window_start + ttl_ms * interval '1 millisecond' < now()`)
      .catch(() => undefined);
  }
}

function toCounts(rows: Array<{ key: string; hits: number; reset_ms: number }>): Map<string, RateWindowCount> {
  return new Map(rows.map((r) => [r.key, { hits: r.hits, resetMs: Math.max(0, r.reset_ms) }]));
}
