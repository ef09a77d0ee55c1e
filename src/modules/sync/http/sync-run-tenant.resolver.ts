import { Injectable, OnModuleInit } from '@nestjs/common';
import { TenantOwnership } from '../../../shared/http/tenant-ownership';
import { SyncRunQuery } from '../application/sync-run.query';

/** Tells the access guard which tenant a sync run belongs to (`kind: 'sync_run'`). */
@Injectable()
export class SyncRunTenantResolver implements OnModuleInit {
  constructor(
    private readonly ownership: TenantOwnership,
    private readonly runs: SyncRunQuery,
  ) {}

  onModuleInit(): void {
    this.ownership.register('sync_run', (id) => this.runs.tenantOf(id));
  }
}
