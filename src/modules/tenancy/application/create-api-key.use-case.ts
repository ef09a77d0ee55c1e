import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import type { Principal, PrincipalScope } from '../../../shared/domain/principal';
import { generateApiKey } from '../domain/api-key';
import { ApiKeyRepository } from '../infrastructure/api-key.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { ApiKeyCreatedEvent } from '../public/events/api-key-created.event';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { toApiKeyPayload, type CreatedApiKeyView } from './api-key.views';
import { tenantNotFound } from './tenant-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class CreateApiKeyUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly keys: ApiKeyRepository,
    private readonly tenants: TenantRepository,
    private readonly events: EventBus,
  ) {}

  /** A new key; its secret is in this answer only (Roster keeps its SHA-256). */
  execute(
    input: { name: string; scope: PrincipalScope; tenantId?: string | null },
    creator: Principal,
  ): Promise<CreatedApiKeyView> {
    const tenantId = input.tenantId ?? null;
    // An admin key reaches every tenant: binding it to one would read as a restriction it does not have.
    if (input.scope === 'admin' && tenantId !== null) {
      throw new TenancyError(TenancyErrorCode.INVALID_API_KEY, 'an admin key is not bound to a tenant', [
        { field: 'tenantId', problem: 'must be absent for scope admin' },
      ]);
    }
    if (input.scope !== 'admin' && tenantId === null) {
      throw new TenancyError(TenancyErrorCode.INVALID_API_KEY, `a ${input.scope} key belongs to a tenant`, [
        { field: 'tenantId', problem: `is required for scope ${input.scope}` },
      ]);
    }
    return this.tx.run(async () => {
      if (tenantId !== null && !(isUuid(tenantId) && (await this.tenants.findById(tenantId)))) throw tenantNotFound();
      const generated = generateApiKey();
      const row = await this.keys.insert({
        name: input.name.trim(),
        scope: input.scope,
        tenantId,
        keyHash: generated.hash,
        prefix: generated.prefix,
        createdByKeyId: creator.keyId,
      });
      await this.events.publish(new ApiKeyCreatedEvent(toApiKeyPayload(row), { tenantId: row.tenantId }));
      return {
        id: row.id,
        name: row.name,
        scope: row.scope,
        tenantId: row.tenantId,
        key: generated.secret,
        prefix: row.prefix,
        createdAt: row.createdAt.toISOString(),
      };
    });
  }
}
