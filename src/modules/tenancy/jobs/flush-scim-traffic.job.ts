import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ScimTraffic } from '../../../shared/metrics/scim-traffic';
import { ScimConnectionHealthRepository } from '../infrastructure/scim-connection-health.repository';

const FLUSH_EVERY_MS = 10_000;
const PRUNE_EVERY_FLUSHES = 360;

/**
 * Moves the SCIM traffic counted in memory into the hourly table every 10 s (one statement per
 * flush, whatever the request rate), and once more at shutdown. Not a cron job: every replica that
 * serves SCIM flushes its own counts, CRON_ENABLED or not. A failed flush keeps its counts for the next.
 */
@Injectable()
export class FlushScimTrafficJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FlushScimTrafficJob.name);
  private timer: NodeJS.Timeout | undefined;
  private flushes = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly traffic: ScimTraffic,
    private readonly health: ScimConnectionHealthRepository,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.flush();
  }

  flush(): Promise<void> {
    this.running ??= this.flushOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async flushOnce(): Promise<void> {
    const buckets = this.traffic.take();
    try {
      await this.health.addTraffic(buckets);
      if (++this.flushes % PRUNE_EVERY_FLUSHES === 0) await this.health.pruneTraffic();
    } catch (err) {
      this.traffic.restore(buckets);
      this.logger.warn(`SCIM traffic flush failed, kept for the next one: ${(err as Error).message}`);
    }
  }
}
