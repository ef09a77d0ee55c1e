import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { Auth } from '../http/auth.decorator';
import { ValidateRequests } from '../http/request-validation';

/** Liveness + database reachability, for compose healthchecks and load balancers. */
@Controller('health')
@ValidateRequests()
@Auth('public')
@SkipThrottle()
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @HttpCode(200)
  async check() {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException({ error: 'unavailable', message: 'database unreachable', status: 'down' });
    }
    return { status: 'ok', database: 'up' };
  }
}
