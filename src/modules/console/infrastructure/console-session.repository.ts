import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import type { Principal } from '../../../shared/domain/principal';
import type { ConsoleSessionEndReason } from '../public/events/console-signed-out.event';

export interface ConsoleSessionRow {
  id: string;
  principal: Principal;
  createdAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

const COLUMNS = `id, key_id, key_name, scope, tenant_id, created_at, idle_expires_at, absolute_expires_at`;

interface Row {
  id: string;
  key_id: string;
  key_name: string;
  scope: Principal['scope'];
  tenant_id: string | null;
  created_at: Date;
  idle_expires_at: Date;
  absolute_expires_at: Date;
}

const toRow = (r: Row): ConsoleSessionRow => ({
  id: r.id,
  principal: { keyId: r.key_id, keyName: r.key_name, scope: r.scope, tenantId: r.tenant_id },
  createdAt: r.created_at,
  idleExpiresAt: r.idle_expires_at,
  absoluteExpiresAt: r.absolute_expires_at,
});

@Injectable()
export class ConsoleSessionRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(row: {
    id: string;
    idHash: Buffer;
    principal: Principal;
    idleSeconds: number;
    absoluteSeconds: number;
  }): Promise<ConsoleSessionRow> {
    const p = row.principal;
    const [r] = await sqlRows<Row>(
      this.tx.manager,
      `INSERT INTO console.console_session (id, id_hash, key_id, key_name, scope, tenant_id, idle_expires_at, absolute_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7), now() + make_interval(secs => $8))
       RETURNING ${COLUMNS}`,
      [row.id, row.idHash, p.keyId, p.keyName, p.scope, p.tenantId, row.idleSeconds, row.absoluteSeconds],
    );
    return toRow(r);
  }

  /** The live session with this hash, its idle expiry slid forward (never past the absolute one). */
  async touchLive(idHash: Buffer, idleSeconds: number): Promise<ConsoleSessionRow | null> {
    const [r] = await sqlRows<Row>(
      this.tx.manager,
      `UPDATE console.console_session
          SET last_seen_at = now(), idle_expires_at = LEAST(absolute_expires_at, now() + make_interval(secs => $2))
        WHERE id_hash = $1 AND ended_at IS NULL AND idle_expires_at > now() AND absolute_expires_at > now()
        RETURNING ${COLUMNS}`,
      [idHash, idleSeconds],
    );
    return r ? toRow(r) : null;
  }

  /** Ends a live session; null when it had already ended (so only one caller reports the end). */
  async end(id: string, reason: ConsoleSessionEndReason): Promise<ConsoleSessionRow | null> {
    const [r] = await sqlRows<Row>(
      this.tx.manager,
      `UPDATE console.console_session SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL
       RETURNING ${COLUMNS}`,
      [id, reason],
    );
    return r ? toRow(r) : null;
  }

  /** Ends the session with this hash if it has expired and was not yet ended, with which expiry it hit. */
  async endExpired(idHash: Buffer): Promise<{ row: ConsoleSessionRow; reason: ConsoleSessionEndReason } | null> {
    const [r] = await sqlRows<Row & { end_reason: 'idle_timeout' | 'absolute_timeout' }>(
      this.tx.manager,
      `UPDATE console.console_session
          SET ended_at = now(),
              end_reason = CASE WHEN absolute_expires_at <= now() THEN 'absolute_timeout' ELSE 'idle_timeout' END
        WHERE id_hash = $1 AND ended_at IS NULL AND (idle_expires_at <= now() OR absolute_expires_at <= now())
        RETURNING ${COLUMNS}, end_reason`,
      [idHash],
    );
    return r ? { row: toRow(r), reason: r.end_reason } : null;
  }
}
