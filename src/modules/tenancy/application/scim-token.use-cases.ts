import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import {
  generateScimToken,
  hashScimToken,
  isConnectionId,
  isUuid,
  MAX_ACTIVE_TOKENS_PER_CONNECTION,
  sameHash,
} from '../domain/scim-token';
import { ScimTokenIssuedEvent } from '../public/events/scim-token-issued.event';
import { ScimTokenRevokedEvent } from '../public/events/scim-token-revoked.event';
import { ScimTokenRotatedEvent } from '../public/events/scim-token-rotated.event';
import type { ScimPrincipal } from '../public/scim-bearer.constants';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import type { ScimConnectionEntity } from '../infrastructure/scim-connection.entity';
import type { ScimTokenEntity } from '../infrastructure/scim-token.entity';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { ScimTokenRepository } from '../infrastructure/scim-token.repository';
import { ScimTokenCache, TOKEN_REVOKED_CHANNEL } from '../infrastructure/scim-token.cache';
import { connectionNotFound } from './scim-connection.use-cases';

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

export const toTokenView = (t: ScimTokenEntity): TokenView => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt ? t.lastUsedAt.toISOString() : null,
  prefix: t.prefix,
});

const tokenNotFound = () => new TenancyError(TenancyErrorCode.TOKEN_NOT_FOUND, 'token not found');

@Injectable()
abstract class TokenUseCaseBase {
  constructor(
    protected readonly tx: TransactionHost,
    protected readonly connections: ScimConnectionRepository,
    protected readonly tokens: ScimTokenRepository,
    protected readonly events: EventBus,
    protected readonly cache: ScimTokenCache,
  ) {}

  /** Drops cached verifications of this connection's tokens here at commit, and in other replicas by NOTIFY. */
  protected async announceRevocation(connectionId: string): Promise<void> {
    await this.tx.manager.query(`SELECT pg_notify($1, $2)`, [TOKEN_REVOKED_CHANNEL, connectionId]);
    this.tx.afterCommit(() => this.cache.invalidateConnection(connectionId));
  }

  /** Locks the connection row so concurrent issue/rotate/revoke on one connection serialise. */
  protected async lockConnection(connectionId: string): Promise<ScimConnectionEntity> {
    if (!isConnectionId(connectionId)) throw connectionNotFound();
    const connection = await this.connections.findLiveForUpdate(connectionId);
    if (!connection) throw connectionNotFound();
    return connection;
  }

  protected async insertToken(
    connection: ScimConnectionEntity,
    name: string,
  ): Promise<{ row: ScimTokenEntity; secret: string }> {
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
      await this.announceRevocation(connection.id);
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

@Injectable()
export class RevokeScimTokenUseCase extends TokenUseCaseBase {
  execute(connectionId: string, tokenId: string): Promise<void> {
    return this.tx.run(async () => {
      const connection = await this.lockConnection(connectionId);
      if (!isUuid(tokenId)) throw tokenNotFound();
      const token = await this.tokens.findActive(connection.tenantId, connection.id, tokenId);
      if (!token) throw tokenNotFound();
      await this.tokens.revoke(connection.tenantId, token.id);
      await this.announceRevocation(connection.id);
      await this.events.publish(
        new ScimTokenRevokedEvent({ connectionId, tokenId }, { tenantId: connection.tenantId }),
      );
    });
  }
}

/** lastUsedAt is recorded at most this often per token, so authentication stays a read. */
const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class VerifyScimTokenUseCase {
  constructor(
    private readonly tokens: ScimTokenRepository,
    private readonly cache: ScimTokenCache,
  ) {}

  /**
   * The principal a presented secret stands for on the connection `connectionId` names, or null.
   * A former token of that connection, now deleted, throws CONNECTION_NOT_FOUND: the README promises
   * 404, and an IdP reads 401 as bad credentials. Never logs or returns the secret.
   */
  async execute(secret: string, connectionId: string | undefined): Promise<ScimPrincipal | null> {
    if (secret.length < 16 || secret.length > 512) return null;
    const hash = hashScimToken(secret);
    const key = hash.toString('hex');
    const cached = this.cache.get(key);
    if (cached && sameHash(cached.hash, hash)) {
      if (Date.now() - cached.lastTouchedAt > TOUCH_INTERVAL_MS) {
        cached.lastTouchedAt = Date.now();
        void this.tokens.touch(cached.principal.tokenId).catch(() => undefined);
      }
      return cached.principal;
    }
    const found = await this.tokens.findByHash(hash);
    if (!found || !sameHash(found.tokenHash, hash)) return null;
    if (found.connectionDeleted && found.connectionId === connectionId) throw connectionNotFound();
    if (!found.live) return null;
    let lastTouched = found.lastUsedAt?.getTime() ?? 0;
    if (Date.now() - lastTouched > TOUCH_INTERVAL_MS) {
      lastTouched = Date.now();
      void this.tokens.touch(found.tokenId).catch(() => undefined);
    }
    const principal = { tenantId: found.tenantId, connectionId: found.connectionId, tokenId: found.tokenId };
    this.cache.set(key, hash, principal, lastTouched);
    return principal;
  }
}
