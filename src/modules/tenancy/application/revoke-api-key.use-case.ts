import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { ApiKeyCache } from '../infrastructure/api-key.cache';
import { ApiKeyRepository } from '../infrastructure/api-key.repository';
import { API_KEY_REVOKED_CHANNEL, RevocationListener } from '../infrastructure/revocation-listener';
import { ApiKeyRevokedEvent } from '../public/events/api-key-revoked.event';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { toApiKeyPayload } from './api-key.views';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class RevokeApiKeyUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly keys: ApiKeyRepository,
    private readonly cache: ApiKeyCache,
    private readonly revocations: RevocationListener,
    private readonly events: EventBus,
  ) {}

  /**
   * Refused from the commit on: this call answers once every replica (this one too) has dropped the
   * key from its cache — each acknowledges the NOTIFY —, or after a second at most.
   */
  async execute(keyId: string): Promise<void> {
    let delivery: { everywhere(): Promise<void> } | undefined;
    await this.tx.run(async () => {
      const row = isUuid(keyId) ? await this.keys.revoke(keyId) : null;
      if (!row) throw new TenancyError(TenancyErrorCode.API_KEY_NOT_FOUND, 'API key not found');
      delivery = await this.revocations.announce(API_KEY_REVOKED_CHANNEL, row.id);
      this.tx.afterCommit(() => this.cache.invalidateKey(row.id));
      await this.events.publish(new ApiKeyRevokedEvent(toApiKeyPayload(row), { tenantId: row.tenantId }));
    });
    await delivery?.everywhere();
  }
}
