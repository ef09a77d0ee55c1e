import { Injectable, OnModuleInit } from '@nestjs/common';
import { TenantOwnership } from '../../../shared/http/tenant-ownership';
import { FindConnectionTenantQuery } from '../application/find-connection-tenant.query';

/** Tells the access guard which tenant a SCIM connection belongs to (`kind: 'scim_connection'`). */
@Injectable()
export class ConnectionTenantResolver implements OnModuleInit {
  constructor(
    private readonly ownership: TenantOwnership,
    private readonly connectionTenant: FindConnectionTenantQuery,
  ) {}

  onModuleInit(): void {
    this.ownership.register('scim_connection', (id) => this.connectionTenant.execute(id));
  }
}
