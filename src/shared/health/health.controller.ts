import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Auth } from '../http/auth.decorator';
import { ValidateRequests } from '../http/request-validation';
import { ReadinessIndicators } from './readiness.indicators';

/**
 * Probes for orchestrators and load balancers: `live` says the process answers (a database outage
 * must not get it restarted), `ready` that it can serve (database reachable, migrations applied, not
 * draining before shutdown). `/health` is `ready`.
 */
@Controller('health')
@ValidateRequests()
@Auth('public')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly readiness: ReadinessIndicators,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.readiness.draining(),
      () => this.db.pingCheck('database', { timeout: ReadinessIndicators.PROBE_TIMEOUT_MS }),
      () => this.readiness.migrations(),
    ]);
  }

  @Get()
  @HealthCheck()
  alias() {
    return this.ready();
  }
}
