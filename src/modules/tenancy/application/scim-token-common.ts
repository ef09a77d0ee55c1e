import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { generateScimToken, isConnectionId } from '../domain/scim-token';
import { ScimConnectionRepository, type ScimConnectionRecord } from '../infrastructure/scim-connection.repository';
import { ScimTokenCache } from '../infrastructure/scim-token.cache';
import { ScimTokenRepository, type ScimTokenRecord } from '../infrastructure/scim-token.repository';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import { connectionNotFound } from './scim-connection-common';

/** The only place a token's secret exists outside the IdP: the 201 response of issue/rotate. */
export interface IssuedTokenView {
  id: string;
  name: string;
  token: string;
  createdAt: string;
}

export interface TokenView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  prefix: string;
}

export const toTokenView = (t: ScimTokenRecord): TokenView => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt ? t.lastUsedAt.toISOString() : null,
  prefix: t.prefix,
});

export const tokenNotFound = () => new TenancyError(TenancyErrorCode.TOKEN_NOT_FOUND, 'token not found');

/** lastUsedAt is recorded at most this often per token, so authentication stays a read. */
export const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export abstract class TokenUseCaseBase {
  constructor(
    protected readonly tx: TransactionHost,
    protected readonly connections: ScimConnectionRepository,
    protected readonly tokens: ScimTokenRepository,
    protected readonly events: EventBus,
    protected readonly cache: ScimTokenCache,
  ) {}

  /** Locks the connection row so concurrent issue/rotate/revoke on one connection serialise. */
  protected async lockConnection(connectionId: string): Promise<ScimConnectionRecord> {
    if (!isConnectionId(connectionId)) throw connectionNotFound();
    const connection = await this.connections.findLiveForUpdate(connectionId);
    if (!connection) throw connectionNotFound();
    return connection;
  }

  protected async insertToken(
    connection: ScimConnectionRecord,
    name: string,
  ): Promise<{ row: ScimTokenRecord; secret: string }> {
    const generated = generateScimToken();
    const row = await this.tokens.insert({
      tenantId: connection.tenantId,
      connectionId: connection.id,
      name,
      tokenHash: generated.hash,
      prefix: generated.prefix,
    });
    return { row, secret: generated.secret };
  }
}
