import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { ShutdownState } from './shutdown-state';

/** How long a readiness probe waits for PostgreSQL before it says "down". */
const PROBE_TIMEOUT_MS = 2000;

/** The readiness checks terminus does not have: every migration this build ships is applied; not stopping. */
@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly shutdown: ShutdownState,
  ) {}

  async migrations(): Promise<HealthIndicatorResult> {
    const check = this.health.check('migrations');
    const names = this.dataSource.migrations.map((m) => m.name ?? m.constructor.name);
    const rows: Array<{ applied: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS applied FROM migrations WHERE name = ANY($1::text[])`,
      [names],
    );
    const pending = names.length - rows[0].applied;
    return pending === 0 ? check.up() : check.down({ pending });
  }

  draining(): HealthIndicatorResult {
    const check = this.health.check('shutdown');
    return this.shutdown.draining ? check.down({ message: 'draining before shutdown' }) : check.up();
  }

  static readonly PROBE_TIMEOUT_MS = PROBE_TIMEOUT_MS;
}
