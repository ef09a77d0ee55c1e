import { Injectable } from '@nestjs/common';
import { MAX_ACTIVE_TOKENS_PER_CONNECTION } from '../domain/scim-token';
import { ScimTokenIssuedEvent } from '../public/events/scim-token-issued.event';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { IssuedTokenView, TokenUseCaseBase } from './scim-token-common';

@Injectable()
export class IssueScimTokenUseCase extends TokenUseCaseBase {
  execute(connectionId: string, input: { name: string }): Promise<IssuedTokenView> {
    return this.tx.run(async () => {
      const connection = await this.lockConnection(connectionId);
      const active = await this.tokens.listActive(connection.tenantId, connection.id);
      if (active.length >= MAX_ACTIVE_TOKENS_PER_CONNECTION) {
        throw new TenancyError(
          TenancyErrorCode.TOKEN_LIMIT_REACHED,
          `a connection has at most ${MAX_ACTIVE_TOKENS_PER_CONNECTION} active tokens: rotate or revoke one first`,
        );
      }
      const { row, secret } = await this.insertToken(connection, input.name.trim());
      await this.events.publish(
        new ScimTokenIssuedEvent(
          { connectionId, tokenId: row.id, name: row.name, prefix: row.prefix },
          { tenantId: connection.tenantId },
        ),
      );
      return { id: row.id, name: row.name, token: secret, createdAt: row.createdAt.toISOString() };
    });
  }
}
