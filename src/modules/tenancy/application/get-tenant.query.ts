import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { tenantNotFound, toTenantView, type TenantView } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

/** One tenant; unknown and malformed ids are both "not found". */
@Injectable()
export class GetTenantQuery {
  constructor(private readonly tenants: TenantRepository) {}

  async execute(tenantId: string): Promise<TenantView> {
    const tenant = isUuid(tenantId) ? await this.tenants.findById(tenantId) : null;
    if (!tenant) throw tenantNotFound();
    return toTenantView(tenant);
  }
}
