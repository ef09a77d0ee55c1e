import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { TransactionHost } from '../../../shared/database/transaction-host';
import type { ChainRule } from '../domain/audit-chain';
import type { AuditActor, AuditRecord, AuditSubject } from '../domain/audit-entry';
import { EXPORT_COLUMNS, EXPORT_SELECT, encodeCsvRecord, encodeNdjsonLine } from './audit-export.encoders';
import { PgCopyOutStream } from './pg-copy-out.stream';

/** Which entries a query covers. `from` inclusive, `to` exclusive, on occurredAt. */
export interface AuditFilter {
  readonly tenantId?: string;
  readonly from?: Date;
  readonly to?: Date;
  /** An exact action, or `resource.*`. */
  readonly action?: string;
  /** An email or userName, matched case-insensitively against the entry's subject. */
  readonly subject?: string;
  readonly targetId?: string;
  readonly actorKeyId?: string;
  readonly correlationId?: string;
}

/** Oldest first (chain order) or newest first. */
export type AuditOrder = 'asc' | 'desc';

/** An entry as stored, with its chain links and the rule its hash was made with. */
export interface StoredAuditEntry {
  readonly record: AuditRecord;
  readonly prevHash: Buffer;
  readonly hash: Buffer;
  readonly rule: ChainRule;
}

/** Advisory-lock key serialising appends (and prunes: audit.prune_entries takes it too). */
const CHAIN_LOCK = 'audit.chain';

/** occurredAt exactly as hashed: ISO-8601 UTC with milliseconds (the column holds no finer precision). */
const ISO = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The API's view of an entry, built by PostgreSQL for the list endpoint. The NDJSON export writes
 * the same object from the raw columns (audit-export.encoders.ts; a test holds them equal).
 */
export const ENTRY_JSON = `json_build_object(
  'id', e.id,
  'sequence', e.seq,
  'occurredAt', ${ISO('e.occurred_at')},
  'tenantId', e.tenant_id,
  'actor', CASE WHEN e.actor_type = 'scim'
                THEN json_build_object('type', 'scim', 'connectionId', e.actor_connection_id, 'tokenId', e.actor_token_id)
                WHEN e.actor_key_id IS NOT NULL
                THEN json_build_object('type', e.actor_type, 'keyId', e.actor_key_id, 'keyName', e.actor_key_name, 'scope', e.actor_scope)
                ELSE json_build_object('type', e.actor_type) END,
  'action', e.action,
  'target', CASE WHEN e.target_type IS NULL THEN NULL ELSE json_build_object('type', e.target_type, 'id', e.target_id) END,
  'targetLabel', e.target_label,
  'subject', CASE WHEN e.subject_user_name IS NULL AND e.subject_email IS NULL AND e.subject_account_id IS NULL THEN NULL
                  ELSE json_build_object('userName', e.subject_user_name, 'email', e.subject_email, 'accountId', e.subject_account_id) END,
  'summary', e.summary,
  'details', e.details,
  'correlationId', e.correlation_id,
  'sourceIp', e.source_ip,
  'eventId', e.event_id,
  'prevHash', encode(e.prev_hash, 'hex'),
  'hash', encode(e.hash, 'hex'))`;

interface StoredRow {
  seq: string;
  id: string;
  occurred_at: string;
  tenant_id: string | null;
  actor_type: string;
  actor_connection_id: string | null;
  actor_token_id: string | null;
  actor_key_id: string | null;
  actor_key_name: string | null;
  actor_scope: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  subject_user_name: string | null;
  subject_email: string | null;
  subject_account_id: string | null;
  summary: string;
  details: Record<string, unknown>;
  correlation_id: string | null;
  source_ip: string | null;
  event_id: string | null;
  prev_hash: Buffer;
  hash: Buffer;
  hash_version: number | null;
}

function toActor(row: StoredRow): AuditActor {
  if (row.actor_type === 'scim')
    return { type: 'scim', connectionId: row.actor_connection_id ?? '', tokenId: row.actor_token_id ?? '' };
  if (row.actor_type === 'admin' && row.actor_key_id !== null)
    return {
      type: 'admin',
      keyId: row.actor_key_id,
      keyName: row.actor_key_name ?? '',
      scope: (row.actor_scope ?? 'admin') as 'admin' | 'tenant' | 'sessions',
    };
  return { type: row.actor_type as 'admin' | 'system' };
}

function toSubject(row: StoredRow): AuditSubject | null {
  const subject: { userName?: string; email?: string; accountId?: string } = {};
  if (row.subject_user_name !== null) subject.userName = row.subject_user_name;
  if (row.subject_email !== null) subject.email = row.subject_email;
  if (row.subject_account_id !== null) subject.accountId = row.subject_account_id;
  return Object.keys(subject).length > 0 ? subject : null;
}

function toStored(row: StoredRow): StoredAuditEntry {
  return {
    record: {
      seq: Number(row.seq),
      id: row.id,
      occurredAt: row.occurred_at,
      tenantId: row.tenant_id,
      actor: toActor(row),
      action: row.action,
      target: row.target_type === null ? null : { type: row.target_type, id: row.target_id ?? '' },
      targetLabel: row.target_label,
      subject: toSubject(row),
      summary: row.summary,
      details: row.details,
      correlationId: row.correlation_id,
      sourceIp: row.source_ip,
      eventId: row.event_id,
    },
    prevHash: row.prev_hash,
    hash: row.hash,
    rule: row.hash_version === null ? 'legacy' : 'hmac',
  };
}

/** Conditions of a filter over alias `e`; `bind` turns a value into SQL (a `$n` placeholder or a quoted literal). */
function conditions(filter: AuditFilter, bind: (value: string) => string): string[] {
  const where: string[] = [];
  if (filter.tenantId) where.push(`e.tenant_id = ${bind(filter.tenantId)}::uuid`);
  if (filter.from) where.push(`e.occurred_at >= ${bind(filter.from.toISOString())}::timestamptz`);
  if (filter.to) where.push(`e.occurred_at < ${bind(filter.to.toISOString())}::timestamptz`);
  if (filter.action?.endsWith('.*')) where.push(`e.action LIKE ${bind(`${filter.action.slice(0, -2)}.%`)}`);
  else if (filter.action) where.push(`e.action = ${bind(filter.action)}`);
  if (filter.targetId) where.push(`e.target_id = ${bind(filter.targetId)}`);
  if (filter.actorKeyId) where.push(`e.actor_key_id = ${bind(filter.actorKeyId)}`);
  if (filter.correlationId) where.push(`e.correlation_id = ${bind(filter.correlationId)}`);
  return where;
}

/**
 * `?subject=` as alternatives, each served by its own `(lower(column), seq)` index: a page is the
 * union of one keyset range per column (an OR in one WHERE would make PostgreSQL gather every match
 * and sort). One entry, for the export's single statement, where the scan is whole anyway.
 */
function subjectArms(filter: AuditFilter, bind: (value: string) => string): string[] {
  if (!filter.subject) return [];
  const value = bind(filter.subject);
  return [
    `e.subject_email IS NOT NULL AND lower(e.subject_email) = lower(${value})`,
    `e.subject_user_name IS NOT NULL AND lower(e.subject_user_name) = lower(${value})`,
  ];
}

/** Every condition of a filter, `?subject=` as one OR: for statements that scan their whole range anyway. */
function wholeConditions(filter: AuditFilter, bind: (value: string) => string): string[] {
  const arms = subjectArms(filter, bind);
  return [...conditions(filter, bind), ...(arms.length > 0 ? [`((${arms.join(') OR (')}))`] : [])];
}

/** A `bind` for parameterised queries: appends to `params`. */
const placeholders = (params: unknown[]) => (value: string) => {
  params.push(value);
  return `$${params.length}`;
};

/**
 * The only code that touches `audit.*`. Raw SQL (no TypeORM entity): the table is append-only,
 * chained and guarded by triggers, which an entity and `save()` would only obscure.
 */
@Injectable()
export class AuditEntryRepository {
  constructor(
    private readonly tx: TransactionHost,
    private readonly dataSource: DataSource,
  ) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.tx.manager.query<T[]>(sql, params);
  }

  // ---- appending (inside the recording transaction) -------------------------------------------

  /** Serialises appends until the current transaction ends. */
  async lockChain(): Promise<void> {
    await this.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [CHAIN_LOCK]);
  }

  /**
   * The chain's head — the last entry, or the anchor when every entry was pruned — and whether
   * `eventId` is already recorded. Call after lockChain(): a statement started after the lock sees
   * every append that committed before it.
   */
  async head(eventId: string | null): Promise<{ seq: number; hash: Buffer; recorded: boolean }> {
    const [row] = await this.query<{ seq: string; hash: Buffer; recorded: boolean }>(
      `SELECT h.seq, h.hash, EXISTS (SELECT 1 FROM audit.audit_entry WHERE event_id = $1::uuid) AS recorded
         FROM ((SELECT seq, hash FROM audit.audit_entry ORDER BY seq DESC LIMIT 1)
               UNION ALL
               (SELECT last_pruned_seq, last_pruned_hash FROM audit.chain_anchor WHERE id = 1)) h
        ORDER BY h.seq DESC
        LIMIT 1`,
      [eventId],
    );
    return { seq: Number(row.seq), hash: row.hash, recorded: row.recorded };
  }

  /** Which of `eventIds` already have an entry (lower-cased). */
  async recordedEventIds(eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await this.query<{ event_id: string }>(
      `SELECT event_id FROM audit.audit_entry WHERE event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    return new Set(rows.map((r) => r.event_id.toLowerCase()));
  }

  /** Appends consecutive v3 (HMAC) entries (one, or a relay batch) in one statement — call after lockChain(), in chain order. */
  async insertMany(rows: ReadonlyArray<{ record: AuditRecord; prevHash: Buffer; hash: Buffer }>): Promise<void> {
    if (rows.length === 0) return;
    const column = <T>(f: (r: { record: AuditRecord; prevHash: Buffer; hash: Buffer }) => T) => rows.map(f);
    await this.query(
      `INSERT INTO audit.audit_entry
         (seq, id, occurred_at, tenant_id, actor_type, actor_connection_id, actor_token_id, action, target_type, target_id,
          target_label, summary, details, correlation_id, source_ip, event_id, prev_hash, hash,
          actor_key_id, actor_key_name, actor_scope, subject_user_name, subject_email, subject_account_id, hash_version)
       SELECT u.*, 3 FROM unnest($1::bigint[], $2::uuid[], $3::timestamptz[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                            $9::text[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::text[], $15::text[], $16::uuid[],
                            $17::bytea[], $18::bytea[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[]) u`,
      [
        column((r) => r.record.seq),
        column((r) => r.record.id),
        column((r) => r.record.occurredAt),
        column((r) => r.record.tenantId),
        column((r) => r.record.actor.type),
        column((r) => (r.record.actor.type === 'scim' ? r.record.actor.connectionId : null)),
        column((r) => (r.record.actor.type === 'scim' ? r.record.actor.tokenId : null)),
        column((r) => r.record.action),
        column((r) => r.record.target?.type ?? null),
        column((r) => r.record.target?.id ?? null),
        column((r) => r.record.targetLabel),
        column((r) => r.record.summary),
        column((r) => JSON.stringify(r.record.details)),
        column((r) => r.record.correlationId),
        column((r) => r.record.sourceIp),
        column((r) => r.record.eventId),
        column((r) => r.prevHash),
        column((r) => r.hash),
        column((r) => (r.record.actor.type === 'admin' ? (r.record.actor.keyId ?? null) : null)),
        column((r) =>
          r.record.actor.type === 'admin' && r.record.actor.keyId ? (r.record.actor.keyName ?? '') : null,
        ),
        column((r) =>
          r.record.actor.type === 'admin' && r.record.actor.keyId ? (r.record.actor.scope ?? 'admin') : null,
        ),
        column((r) => r.record.subject?.userName ?? null),
        column((r) => r.record.subject?.email ?? null),
        column((r) => r.record.subject?.accountId ?? null),
      ],
    );
  }

  // ---- reading ---------------------------------------------------------------------------------

  /**
   * Up to `limit` entries matching `filter` past sequence `cursor` (after it oldest-first, before it
   * newest-first; null: from the start), in `order` (the API view).
   */
  async page(
    filter: AuditFilter,
    cursor: number | null,
    limit: number,
    order: AuditOrder,
  ): Promise<Array<{ seq: number; item: Record<string, unknown> }>> {
    const params: unknown[] = [];
    const bind = placeholders(params);
    const where = conditions(filter, bind);
    if (cursor !== null) where.push(`e.seq ${order === 'asc' ? '>' : '<'} ${bind(String(cursor))}::bigint`);
    const arms = subjectArms(filter, bind);
    const n = bind(String(limit));
    const dir = order === 'asc' ? 'ASC' : 'DESC';
    const match = (extra: string[]) => (extra.length > 0 ? `WHERE ${extra.join(' AND ')}` : '');
    const sql =
      arms.length === 0
        ? `SELECT e.seq, ${ENTRY_JSON} AS item FROM audit.audit_entry e ${match(where)} ORDER BY e.seq ${dir} LIMIT ${n}::int`
        : `WITH m AS (${arms
            .map(
              (arm) =>
                `(SELECT e.seq FROM audit.audit_entry e ${match([...where, arm])} ORDER BY e.seq ${dir} LIMIT ${n}::int)`,
            )
            .join(' UNION ')})
           SELECT e.seq, ${ENTRY_JSON} AS item FROM m JOIN audit.audit_entry e ON e.seq = m.seq ORDER BY e.seq ${dir} LIMIT ${n}::int`;
    const rows = await this.query<{ seq: string; item: Record<string, unknown> }>(sql, params);
    return rows.map((r) => ({ seq: Number(r.seq), item: r.item }));
  }

  /**
   * The sequence span of the entries matching `filter` right now: an export walks (after, upTo] so
   * it ends where the trail ended when it started, however long the download takes.
   */
  async span(filter: AuditFilter): Promise<{ first: number; last: number } | null> {
    const params: unknown[] = [];
    const where = wholeConditions(filter, placeholders(params));
    const sql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const [row] = await this.query<{ first: string | null; last: string | null }>(
      `SELECT (SELECT min(e.seq) FROM audit.audit_entry e ${sql}) AS first, (SELECT max(e.seq) FROM audit.audit_entry e ${sql}) AS last`,
      params,
    );
    return row.first === null || row.last === null ? null : { first: Number(row.first), last: Number(row.last) };
  }

  /**
   * The export as a byte stream: PostgreSQL streams the raw columns with a binary COPY in chain
   * order, one statement — so one consistent snapshot — on a connection of its own, and Node writes
   * each record from them (audit-export.encoders.ts). Node never holds more than a few 64 KB
   * chunks: see PgCopyOutStream.
   * The connection goes back to the pool when the COPY completes, and is closed if the stream
   * stops early (client gone), which ends the COPY on the server.
   */
  async exportStream(
    format: 'csv' | 'ndjson',
    filter: AuditFilter,
    upToSeq: number,
    framing: { prefix?: Buffer; suffix?: Buffer } = {},
  ): Promise<Readable> {
    const [client, release] = (await (this.dataSource.driver as PostgresDriver).obtainMasterConnection()) as [
      PoolClient,
      (err?: Error) => void,
    ];
    // COPY takes no bind parameters: the (already validated) filter values go in as quoted literals.
    const where = [
      ...wholeConditions(filter, (v) => client.escapeLiteral(String(v))),
      `e.seq <= ${Math.trunc(upToSeq)}`,
    ];
    const copy = new PgCopyOutStream(
      `COPY (SELECT ${EXPORT_SELECT}
               FROM audit.audit_entry e
              WHERE ${where.join(' AND ')}
              ORDER BY e.seq) TO STDOUT (FORMAT binary)`,
      EXPORT_COLUMNS.length,
      format === 'csv' ? encodeCsvRecord : encodeNdjsonLine,
      framing.prefix,
      framing.suffix,
    );
    copy.once('close', () => release(copy.completed ? undefined : new Error('audit export stopped before its end')));
    client.query(copy);
    await copy.started;
    return copy;
  }

  // ---- verifying -------------------------------------------------------------------------------

  /** Makes the current (fresh) transaction a read-only snapshot: one consistent view of the chain. */
  async useSnapshot(): Promise<void> {
    await this.query(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
  }

  /** The last pruned entry (seq 0 and the genesis hash when nothing was pruned). */
  async anchor(): Promise<{ seq: number; hash: Buffer }> {
    const [row] = await this.query<{ seq: string; hash: Buffer }>(
      `SELECT last_pruned_seq AS seq, last_pruned_hash AS hash FROM audit.chain_anchor WHERE id = 1`,
    );
    return { seq: Number(row.seq), hash: row.hash };
  }

  /** The entry right before sequence `seq` in the chain, if any is stored, and whether it is keyed (v3). */
  async entryBefore(seq: number): Promise<{ seq: number; hash: Buffer; keyed: boolean } | null> {
    const [row] = await this.query<{ seq: string; hash: Buffer; keyed: boolean }>(
      `SELECT seq, hash, hash_version IS NOT NULL AS keyed FROM audit.audit_entry WHERE seq < $1 ORDER BY seq DESC LIMIT 1`,
      [seq],
    );
    return row ? { seq: Number(row.seq), hash: row.hash, keyed: row.keyed } : null;
  }

  /** The stored hash of entry `seq`, if it is stored. */
  async hashAt(seq: number): Promise<Buffer | null> {
    const [row] = await this.query<{ hash: Buffer }>(`SELECT hash FROM audit.audit_entry WHERE seq = $1`, [seq]);
    return row ? row.hash : null;
  }

  /** The chain's head as committed now (the last entry, or the anchor when none is kept); no lock. */
  async currentHead(): Promise<{ seq: number; hash: Buffer }> {
    const { seq, hash } = await this.head(null);
    return { seq, hash };
  }

  /** Every stored entry with afterSeq < seq <= upToSeq (no filter: the chain has no holes to skip), up to `limit`. */
  async storedEntries(afterSeq: number, upToSeq: number, limit: number): Promise<StoredAuditEntry[]> {
    const rows = await this.query<StoredRow>(
      `SELECT e.seq, e.id, ${ISO('e.occurred_at')} AS occurred_at, e.tenant_id, e.actor_type, e.actor_connection_id, e.actor_token_id,
              e.actor_key_id, e.actor_key_name, e.actor_scope, e.action, e.target_type, e.target_id, e.target_label,
              e.subject_user_name, e.subject_email, e.subject_account_id, e.summary, e.details, e.correlation_id, e.source_ip, e.event_id,
              e.prev_hash, e.hash, e.hash_version
         FROM audit.audit_entry e
        WHERE e.seq > $1 AND e.seq <= $2
        ORDER BY e.seq
        LIMIT $3`,
      [afterSeq, upToSeq, limit],
    );
    return rows.map(toStored);
  }

  // ---- pruning ---------------------------------------------------------------------------------

  /**
   * Looks at the next `limit` entries after `afterSeq` in chain order and returns the last one of
   * the unbroken run older than `cutoff` (null if the first is not), and whether the run may go on
   * past this batch. Pruning stops at the first entry still within retention, so the kept entries
   * stay one contiguous, verifiable chain.
   */
  async expiredRun(afterSeq: number, cutoff: Date, limit: number): Promise<{ upTo: number | null; more: boolean }> {
    const [row] = await this.query<{ up_to: string | null; first_kept: string | null; n: string }>(
      `WITH b AS (SELECT seq, occurred_at FROM audit.audit_entry WHERE seq > $1 ORDER BY seq LIMIT $2),
            k AS (SELECT min(seq) AS s FROM b WHERE occurred_at >= $3::timestamptz)
       SELECT (SELECT max(seq) FROM b WHERE seq < coalesce((SELECT s FROM k), 9223372036854775807)) AS up_to,
              (SELECT s FROM k) AS first_kept,
              (SELECT count(*) FROM b) AS n`,
      [afterSeq, limit, cutoff.toISOString()],
    );
    return {
      upTo: row.up_to === null ? null : Number(row.up_to),
      more: row.first_kept === null && Number(row.n) === limit,
    };
  }

  /** Deletes the chain prefix up to `seq` through audit.prune_entries (the trigger refuses any other way). */
  async pruneUpTo(seq: number): Promise<number> {
    const [row] = await this.query<{ removed: string }>(`SELECT audit.prune_entries($1) AS removed`, [seq]);
    return Number(row.removed);
  }
}
