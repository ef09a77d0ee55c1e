import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { sqlRows } from '../../../shared/database/sql';

/**
 * Analyses a staging table once, as soon as its first bulk has landed, when PostgreSQL's statistics
 * still describe it as (nearly) empty — as they do after the migrations on a fresh install.
 *
 * Why: with empty statistics the planner cannot tell a primary-key lookup from a walk of the
 * connection's rows (both "1 row"), so `GET /Users/{id}` took the partial userName index with the
 * id as a filter, and a prepared lookup planned while the table was empty kept that plan as it
 * grew — measured at 8,000 users: 6–9 ms of PostgreSQL per lookup instead of ~0.1. Autovacuum's
 * first analyse fixes it, but only at its next round (autovacuum_naptime, a minute by default),
 * which is exactly the first minute of an initial Entra cycle. ANALYZE also invalidates the
 * cached plans. Once the statistics describe a loaded table this never runs again (per process).
 */
export class FirstLoadStatistics {
  private readonly logger = new Logger(FirstLoadStatistics.name);
  private count = 0;
  private settled = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly table: 'staging.scim_user' | 'staging.scim_group',
    private readonly threshold: number,
  ) {}

  /** Counts rows this process inserted; past the threshold, analyses the table in the background if its statistics are still empty. */
  noteInserted(rows: number): void {
    if (this.settled || this.running) return;
    this.count += rows;
    if (this.count < this.threshold) return;
    this.running = this.analyseIfEmpty()
      .catch((err: Error) =>
        this.logger.warn(`ANALYZE ${this.table} after its first ${this.count} rows failed: ${err.message}`),
      )
      .finally(() => (this.running = undefined));
  }

  /** Resolves when a background analyse (if any) has finished — for tests. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async analyseIfEmpty(): Promise<void> {
    // Always on the pool, never inside the request's transaction (its context may still be current).
    const manager = this.dataSource.manager;
    const [row] = await sqlRows<{ reltuples: number }>(
      manager,
      `SELECT reltuples FROM pg_class WHERE oid = $1::regclass`,
      [this.table],
    );
    if (!row || row.reltuples < this.threshold / 2) await manager.query(`ANALYZE ${this.table}`);
    this.settled = true;
  }
}
