import { normaliseSsoDomains } from '../domain/sso-domain';
import type { TenantRecord, TenantRepository } from '../infrastructure/tenant.repository';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { isUuid } from '../../../shared/domain/uuid';

export interface TenantView {
  id: string;
  name: string;
  ssoDomains: string[];
  createdAt: string;
  updatedAt: string;
}

export const toTenantView = (t: TenantRecord): TenantView => ({
  id: t.id,
  name: t.name,
  ssoDomains: t.ssoDomains,
  createdAt: t.createdAt.toISOString(),
  updatedAt: t.updatedAt.toISOString(),
});

export function domainsOrThrow(input: readonly string[]): string[] {
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

/** Unknown and malformed tenant ids are both "not found". */
export async function assertTenantExists(tenants: TenantRepository, tenantId: string): Promise<void> {
  if (!isUuid(tenantId) || !(await tenants.findById(tenantId))) throw tenantNotFound();
}
