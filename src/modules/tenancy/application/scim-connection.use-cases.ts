import { Inject, Injectable } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { isConnectionId, isUuid, newConnectionId } from '../domain/scim-token';
import { ScimConnectionCreatedEvent } from '../public/events/scim-connection-created.event';
import { ScimConnectionDeletedEvent } from '../public/events/scim-connection-deleted.event';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import type { ScimConnectionEntity } from '../infrastructure/scim-connection.entity';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { ScimTokenRepository } from '../infrastructure/scim-token.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { ScimTokenCache } from '../infrastructure/scim-token.cache';
import { TOKEN_REVOKED_CHANNEL } from '../infrastructure/revocation-listener';
import { tenantNotFound } from './tenant.use-cases';

export interface ScimConnectionView {
  id: string;
  tenantId: string;
  name: string | null;
  tenantUrl: string;
  createdAt: string;
}

export function connectionNotFound(): TenancyError {
  return new TenancyError(TenancyErrorCode.CONNECTION_NOT_FOUND, 'SCIM connection not found');
}

/** Builds the admin view of a connection, including the Tenant URL to paste into the IdP. */
@Injectable()
export class ScimConnectionViews {
  constructor(@Inject(APP_ENV) private readonly env: AppEnv) {}

  toView(c: ScimConnectionEntity): ScimConnectionView {
    return {
      id: c.id,
      tenantId: c.tenantId,
      name: c.name,
      tenantUrl: `${this.env.PUBLIC_URL}/scim/v2/${c.id}`,
      createdAt: c.createdAt.toISOString(),
    };
  }
}

@Injectable()
export class CreateScimConnectionUseCase {
  constructor(
    private readonly tx: TransactionHost,
    private readonly tenants: TenantRepository,
    private readonly connections: ScimConnectionRepository,
    private readonly events: EventBus,
    private readonly views: ScimConnectionViews,
  ) {}

  execute(tenantId: string, input: { name?: string | null }): Promise<ScimConnectionView> {
    if (!isUuid(tenantId)) throw tenantNotFound();
    return this.tx.run(async () => {
      if (!(await this.tenants.findById(tenantId))) throw tenantNotFound();
      const name = input.name?.trim() || null;
      const connection = await this.connections.insert(tenantId, newConnectionId(), name);
      await this.events.publish(new ScimConnectionCreatedEvent({ connectionId: connection.id, name }, { tenantId }));
      return this.views.toView(connection);
    });
  }
}

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
      await this.tx.manager.query(`SELECT pg_notify($1, $2)`, [TOKEN_REVOKED_CHANNEL, connectionId]);
      this.tx.afterCommit(() => this.cache.invalidateConnection(connectionId));
      await this.events.publish(
        new ScimConnectionDeletedEvent({ connectionId, revokedTokenIds }, { tenantId: connection.tenantId }),
      );
    });
  }
}
