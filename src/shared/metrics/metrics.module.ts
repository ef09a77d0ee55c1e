import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { MetricsServer } from './metrics-server';
import { ScimTraffic } from './scim-traffic';

/** Prometheus metrics (the registry every module records into, its listener on METRICS_PORT) and the per-connection SCIM traffic counters. */
@Global()
@Module({
  providers: [Metrics, MetricsServer, ScimTraffic],
  exports: [Metrics, ScimTraffic],
})
export class MetricsModule {}
