import { Injectable } from '@nestjs/common';
import { ScimTokenRevokedEvent } from '../public/events/scim-token-revoked.event';
import { tokenNotFound, TokenUseCaseBase } from './scim-token-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class RevokeScimTokenUseCase extends TokenUseCaseBase {
  execute(connectionId: string, tokenId: string): Promise<void> {
    return this.tx.run(async () => {
      const connection = await this.lockConnection(connectionId);
      if (!isUuid(tokenId)) throw tokenNotFound();
      const token = await this.tokens.findActive(connection.tenantId, connection.id, tokenId);
      if (!token) throw tokenNotFound();
      await this.tokens.revoke(connection.tenantId, token.id);
      await this.cache.announceRevocation(connection.id);
      await this.events.publish(
        new ScimTokenRevokedEvent({ connectionId, tokenId }, { tenantId: connection.tenantId }),
      );
    });
  }
}
