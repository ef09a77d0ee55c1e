import { Injectable } from '@nestjs/common';
import { ScimTokenRotatedEvent } from '../public/events/scim-token-rotated.event';
import { IssuedTokenView, tokenNotFound, TokenUseCaseBase } from './scim-token-common';
import { isUuid } from '../../../shared/domain/uuid';

@Injectable()
export class RotateScimTokenUseCase extends TokenUseCaseBase {
  /** A new token takes the old one's slot; the old secret is refused from the commit on. */
  execute(connectionId: string, tokenId: string): Promise<IssuedTokenView> {
    return this.tx.run(async () => {
      const connection = await this.lockConnection(connectionId);
      if (!isUuid(tokenId)) throw tokenNotFound();
      const old = await this.tokens.findActive(connection.tenantId, connection.id, tokenId);
      if (!old) throw tokenNotFound();
      const { row, secret } = await this.insertToken(connection, old.name);
      await this.tokens.revoke(connection.tenantId, old.id, row.id);
      await this.cache.announceRevocation(connection.id);
      await this.events.publish(
        new ScimTokenRotatedEvent(
          { connectionId, oldTokenId: old.id, newTokenId: row.id, name: row.name, prefix: row.prefix },
          { tenantId: connection.tenantId },
        ),
      );
      return { id: row.id, name: row.name, token: secret, createdAt: row.createdAt.toISOString() };
    });
  }
}
