import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { sqlRows } from '../../../shared/database/sql';

/**
 * Analyses a staging table once, when its first bulk has landed and its statistics still say
 * "empty" (as after a fresh install): until then the planner takes a `GET /Users/{id}` for a walk
 * of the connection's rows, and autovacuum would only fix that a minute into the first IdP cycle
 * (docs/performance.md, "First load"). Never again once the statistics describe a loaded table.
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
