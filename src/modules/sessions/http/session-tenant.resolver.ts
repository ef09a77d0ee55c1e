import { Injectable, OnModuleInit } from '@nestjs/common';
import { TenantOwnership } from '../../../shared/http/tenant-ownership';
import { FindSessionTenantQuery } from '../application/find-session-tenant.query';

/** Tells the access guard which tenant a session belongs to (`kind: 'session'`). */
@Injectable()
export class SessionTenantResolver implements OnModuleInit {
  constructor(
    private readonly ownership: TenantOwnership,
    private readonly sessionTenant: FindSessionTenantQuery,
  ) {}

  onModuleInit(): void {
    this.ownership.register('session', (id) => this.sessionTenant.execute(id));
  }
}
