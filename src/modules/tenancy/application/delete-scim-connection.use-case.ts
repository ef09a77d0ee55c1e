import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { isConnectionId } from '../domain/scim-token';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { ScimTokenCache } from '../infrastructure/scim-token.cache';
import { ScimTokenRepository } from '../infrastructure/scim-token.repository';
import { ScimConnectionDeletedEvent } from '../public/events/scim-connection-deleted.event';
import { connectionNotFound } from './scim-connection-common';

@Injectable()
export class DeleteScimConnectionUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly connections: ScimConnectionRepository,
    private readonly tokens: ScimTokenRepository,
    private readonly events: EventBus,
    private readonly cache: ScimTokenCache,
  ) {}

  /**
   * Tokens stop working at once; staged data and the accounts it provisioned are kept
   * (those accounts keep their access, as the Entra guide promises).
   */
  execute(connectionId: string): Promise<void> {
    if (!isConnectionId(connectionId)) throw connectionNotFound();
    return this.tx.run(async () => {
      const connection = await this.connections.findLiveForUpdate(connectionId);
      if (!connection) throw connectionNotFound();
      const revokedTokenIds = await this.tokens.revokeAllForConnection(connection.tenantId, connectionId);
      await this.connections.markDeleted(connection.tenantId, connectionId);
      await this.cache.announceRevocation(connectionId);
      await this.events.publish(
        new ScimConnectionDeletedEvent({ connectionId, revokedTokenIds }, { tenantId: connection.tenantId }),
      );
    });
  }
}
