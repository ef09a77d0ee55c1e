import { Injectable } from '@nestjs/common';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { ScimTokenRepository } from '../infrastructure/scim-token.repository';
import { liveConnectionOrThrow } from './scim-connection-common';
import { toTokenView, type TokenView } from './scim-token-common';

/** A live connection's active tokens (never their secrets). */
@Injectable()
export class ListScimTokensQuery {
  constructor(
    private readonly connections: ScimConnectionRepository,
    private readonly tokens: ScimTokenRepository,
  ) {}

  async execute(connectionId: string): Promise<TokenView[]> {
    const connection = await liveConnectionOrThrow(this.connections, connectionId);
    return (await this.tokens.listActive(connection.tenantId, connection.id)).map(toTokenView);
  }
}
