import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { normaliseSsoDomains } from '../domain/sso-domain';
import { isUuid } from '../domain/scim-token';
import { TenantCreatedEvent } from '../public/events/tenant-created.event';
import { TenantUpdatedEvent } from '../public/events/tenant-updated.event';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import type { TenantEntity } from '../infrastructure/tenant.entity';
import { TenantRepository } from '../infrastructure/tenant.repository';

export interface TenantView {
  id: string;
  name: string;
  ssoDomains: string[];
  createdAt: string;
  updatedAt: string;
}

export const toTenantView = (t: TenantEntity): TenantView => ({
  id: t.id,
  name: t.name,
  ssoDomains: t.ssoDomains,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

function domainsOrThrow(input: readonly string[]): string[] {
  const { domains, problems } = normaliseSsoDomains(input);
  if (problems.length > 0) {
    throw new TenancyError(
      TenancyErrorCode.INVALID_DOMAIN,
      'ssoDomains contains invalid domain names',
      problems.map((problem) => ({ field: 'ssoDomains', problem })),
    );
  }
  return domains;
}

export function tenantNotFound(): TenancyError {
  return new TenancyError(TenancyErrorCode.TENANT_NOT_FOUND, 'tenant not found');
}

@Injectable()
export class CreateTenantUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  execute(input: { name: string; ssoDomains: string[] }): Promise<TenantView> {
    const ssoDomains = domainsOrThrow(input.ssoDomains);
    return this.tx.run(async () => {
      const tenant = await this.tenants.insert(input.name.trim(), ssoDomains);
      await this.events.publish(
        new TenantCreatedEvent({ tenantId: tenant.id, name: tenant.name, ssoDomains }, { tenantId: tenant.id }),
      );
      return toTenantView(tenant);
    });
  }
}

@Injectable()
export class UpdateTenantUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  execute(tenantId: string, input: { name?: string; ssoDomains?: string[] }): Promise<TenantView> {
    if (!isUuid(tenantId)) throw tenantNotFound();
    const changes: { name?: string; ssoDomains?: string[] } = {};
    if (input.name !== undefined) changes.name = input.name.trim();
    if (input.ssoDomains !== undefined) changes.ssoDomains = domainsOrThrow(input.ssoDomains);
    return this.tx.run(async () => {
      const tenant = await this.tenants.findByIdForUpdate(tenantId);
      if (!tenant) throw tenantNotFound();
      if (Object.keys(changes).length > 0) {
        await this.tenants.update(tenantId, changes);
        await this.events.publish(new TenantUpdatedEvent({ tenantId, changes }, { tenantId }));
      }
      return toTenantView((await this.tenants.findById(tenantId))!);
    });
  }
}
