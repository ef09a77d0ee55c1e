import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';

export interface SessionRow {
  id: string;
  tenantId: string;
  accountId: string;
  tokenHash: Buffer;
  createdAt: Date;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  endedAt: Date | null;
  endReason: string | null;
}

const COLUMNS = `id, tenant_id, account_id, token_hash, created_at, last_seen_at, idle_expires_at, absolute_expires_at, ended_at, end_reason`;

interface SessionDbRow {
  id: string;
  tenant_id: string;
  account_id: string;
  token_hash: Buffer;
  created_at: Date;
  last_seen_at: Date;
  idle_expires_at: Date;
  absolute_expires_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
}

const toRow = (r: SessionDbRow): SessionRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  accountId: r.account_id,
  tokenHash: r.token_hash,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  idleExpiresAt: r.idle_expires_at,
  absoluteExpiresAt: r.absolute_expires_at,
  endedAt: r.ended_at,
  endReason: r.end_reason,
});

@Injectable()
export class SessionRepository {
  constructor(private readonly tx: TransactionHost) {}

  async insert(
    row: Pick<SessionRow, 'id' | 'tenantId' | 'accountId' | 'tokenHash'> & {
      idleSeconds: number;
      absoluteSeconds: number;
    },
  ): Promise<SessionRow> {
    const [r] = await sqlRows<SessionDbRow>(
      this.tx.manager,
      `INSERT INTO sessions.session (id, tenant_id, account_id, token_hash, idle_expires_at, absolute_expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), now() + make_interval(secs => $6))
       RETURNING ${COLUMNS}`,
      [row.id, row.tenantId, row.accountId, row.tokenHash, row.idleSeconds, row.absoluteSeconds],
    );
    return toRow(r);
  }

  async findByHash(hash: Buffer): Promise<SessionRow | null> {
    const [r] = await sqlRows<SessionDbRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM sessions.session WHERE token_hash = $1`,
      [hash],
    );
    return r ? toRow(r) : null;
  }

  async findById(id: string): Promise<SessionRow | null> {
    const [r] = await sqlRows<SessionDbRow>(this.tx.manager, `SELECT ${COLUMNS} FROM sessions.session WHERE id = $1`, [
      id,
    ]);
    return r ? toRow(r) : null;
  }

  /**
   * Slides the idle expiry on use, at most once a minute per session (introspection stays a read
   * in the common case), never past the absolute expiry.
   */
  async touch(id: string, idleSeconds: number): Promise<void> {
    await this.tx.manager.query(
      `UPDATE sessions.session
          SET last_seen_at = now(), idle_expires_at = LEAST(absolute_expires_at, now() + make_interval(secs => $2))
        WHERE id = $1 AND ended_at IS NULL AND last_seen_at < now() - interval '60 seconds'`,
      [id, idleSeconds],
    );
  }

  /** Ends one session; returns whether it was live. */
  async end(id: string, reason: string): Promise<boolean> {
    const rows = await sqlRows<SessionDbRow>(
      this.tx.manager,
      `WITH e AS (UPDATE sessions.session SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL RETURNING id)
       SELECT id FROM e`,
      [id, reason],
    );
    return rows.length > 0;
  }

  /** Ends every live session of an account in a tenant; returns their ids. */
  async endAllForAccount(tenantId: string, accountId: string, reason: string): Promise<string[]> {
    const rows = await sqlRows<{ id: string }>(
      this.tx.manager,
      `WITH e AS (
         UPDATE sessions.session SET ended_at = now(), end_reason = $3
          WHERE tenant_id = $1 AND account_id = $2 AND ended_at IS NULL RETURNING id)
       SELECT id FROM e`,
      [tenantId, accountId, reason],
    );
    return rows.map((r) => r.id);
  }

  async listForAccount(tenantId: string, accountId: string, limit: number): Promise<SessionRow[]> {
    const rows = await sqlRows<SessionDbRow>(
      this.tx.manager,
      `SELECT ${COLUMNS} FROM sessions.session WHERE tenant_id = $1 AND account_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
      [tenantId, accountId, limit],
    );
    return rows.map(toRow);
  }

  /** Removes sessions that ended or expired long ago (housekeeping, not a security control). */
  async purgeEndedBefore(cutoffSeconds: number): Promise<number> {
    const rows = await sqlRows<{ n: number }>(
      this.tx.manager,
      `WITH d AS (
         DELETE FROM sessions.session
          WHERE COALESCE(ended_at, LEAST(idle_expires_at, absolute_expires_at)) < now() - make_interval(secs => $1)
          RETURNING 1)
       SELECT count(*)::int AS n FROM d`,
      [cutoffSeconds],
    );
    return rows[0].n;
  }
}
