import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { OUTBOX_COLUMNS, type OutboxStatement } from '../../../shared/events/event-bus';
import { StatementBatcher } from '../../../shared/database/statement-batcher';
import { sqlRows } from '../../../shared/database/sql';
import { DEFAULT_SCIM_SCHEMA_REGISTRY } from '../../../shared/scim/schemas/scim-schema.registry';
import type {
  StagedListQuery,
  StagedPage,
  StagedUserRecord,
  StageUserInput,
  StagingScope,
} from '../public/staging.types';
import type { SqlFilterTarget } from './scim-filter-to-sql';
import { userNameEquality } from './scim-filter-plan';
import { StagedTableRepository } from './staged-table.repository';
import { jsonText } from '../../../shared/http/json-body';
import { isUuid } from '../../../shared/domain/uuid';

interface UserRow {
  id: string;
  user_name: string;
  external_id: string | null;
  active: boolean;
  primary_email: string | null;
  resource: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
  groups: Array<{ id: string; display: string }> | null;
  total?: string;
}

const USER_TARGET: SqlFilterTarget = {
  resourceType: 'User',
  alias: 'u',
  resolve: (path) => DEFAULT_SCIM_SCHEMA_REGISTRY.resolve('User', path),
};

/** RFC 7643 §4.1.2 `groups`: the user's live groups, read from the membership table. */
const GROUPS_SQL = `COALESCE((
  SELECT json_agg(json_build_object('id', g.id, 'display', g.display_name) ORDER BY g.display_name, g.id)
    FROM staging.scim_group_member m JOIN staging.scim_group g ON g.id = m.group_id AND g.deleted_at IS NULL
   WHERE m.member_id = u.id), '[]'::json) AS groups`;

const COLUMNS = `u.id, u.user_name, u.external_id, u.active, u.primary_email, u.resource, u.version, u.created_at, u.updated_at`;

/** A user to create, with the outbox rows of its events. */
export interface UserInsert {
  scope: StagingScope;
  id: string;
  input: StageUserInput;
  outbox: OutboxStatement;
}

/**
 * Any number of users and their outbox rows in one statement, as column arrays (one prepared
 * statement whatever the count). Rows whose userName is taken are skipped, and so are their events.
 */
const INSERT_USERS_SQL = `WITH u AS (
    INSERT INTO staging.scim_user (id, tenant_id, connection_id, user_name, external_id, display_name, active, primary_email, resource, raw_payload)
    -- The two JSON columns arrive as one JSON array each, not as jsonb[]: node-pg escapes every quote of
    -- every element into an array literal (~8 µs per KB-sized resource), a JSON array is a string join.
    SELECT * FROM ROWS FROM (unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[]),
                             jsonb_array_elements($9::jsonb), jsonb_array_elements($10::jsonb))
    ON CONFLICT (connection_id, lower(user_name)) WHERE deleted_at IS NULL DO NOTHING
    RETURNING id, version, created_at, updated_at),
  o AS (
    INSERT INTO platform.outbox_message (${OUTBOX_COLUMNS.map(([name]) => name).join(', ')})
    SELECT ${OUTBOX_COLUMNS.map(([name]) => `e.${name}`).join(', ')}
      FROM unnest($11::uuid[], ${OUTBOX_COLUMNS.map(([, type], k) => `$${12 + k}::${type}[]`).join(', ')})
           AS e(owner, ${OUTBOX_COLUMNS.map(([name]) => name).join(', ')})
      JOIN u ON u.id = e.owner)
  SELECT id, version, created_at, updated_at FROM u`;

/**
 * Any number of `userName eq` lookups in one statement: each key carries its own tenant and
 * connection, so a lookup only ever finds its own connection's user. `ord` maps rows back to keys.
 * The LATERAL … LIMIT 1 (the partial unique index allows no second live row) keeps it one probe of
 * that index per key: as a plain join, a table of a few hundred rows plans as a hash join over a
 * seq scan, and the prepared statement would keep that plan while the table grows (EXPLAIN-checked
 * in test/integration/staging/user-name-lookups.int-spec.ts).
 */
export const FIND_BY_USER_NAMES_SQL = `SELECT k.ord, ${COLUMNS}, ${GROUPS_SQL}
    FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS k(tenant_id, connection_id, user_name, ord)
   CROSS JOIN LATERAL (
         SELECT ${COLUMNS} FROM staging.scim_user u
          WHERE u.connection_id = k.connection_id AND lower(u.user_name) = k.user_name AND u.tenant_id = k.tenant_id AND u.deleted_at IS NULL
          LIMIT 1) u`;

/** A live user looked up by its lower-cased userName. */
interface UserNameLookup {
  scope: StagingScope;
  userName: string;
}

/** The user's own scalar columns (the JSON ones travel apart), in INSERT_USERS_SQL's and `update`'s order. */
const ownColumns = (input: StageUserInput): unknown[] => [
  input.userName,
  input.externalId,
  input.displayName,
  input.active,
  input.primaryEmail,
];

const toRecord = (r: UserRow): StagedUserRecord => ({
  id: r.id,
  userName: r.user_name,
  externalId: r.external_id,
  active: r.active,
  primaryEmail: r.primary_email,
  resource: r.resource,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  groups: r.groups ?? [],
});

@Injectable()
export class StagedUserRepository extends StagedTableRepository<UserRow> {
  /**
   * Concurrent creates share statements. Two in flight: under load the batches grow (measured at
   * 20 clients: ~3 rows a statement with two in flight, ~7 with one), and one statement waiting on
   * a lock (ON CONFLICT waits for a concurrent insert of the same userName) does not hold up all.
   */
  private readonly batcher = new StatementBatcher<UserInsert, StagedUserRecord | null>(
    (items) => this.insertMany(items),
    {
      maxBatch: 100,
      maxInFlight: 2,
    },
  );

  /**
   * Concurrent `userName eq` lookups share statements the same way — the query IdPs send before
   * every create and update (Entra, Okta), so the most frequent statement of a provisioning cycle.
   */
  private readonly lookups = new StatementBatcher<UserNameLookup, StagedUserRecord | null>(
    (keys) => this.findByUserNames(keys),
    {
      maxBatch: 100,
      maxInFlight: 2,
    },
  );

  /** A fresh install's first 500 users get the table analysed (FirstLoadStatistics). */
  constructor(tx: TransactionHost, dataSource: DataSource) {
    super(tx, dataSource, 'staging.scim_user', USER_TARGET, 500);
  }

  /**
   * Inserts the user and its outbox rows in ONE statement (atomic without BEGIN/COMMIT round
   * trips — the create path is the hot one of an initial Entra cycle). Outside a transaction,
   * concurrent creates share statements (StatementBatcher). Null: the userName is taken among the
   * connection's live users — the insert skipped the row (ON CONFLICT on the partial unique index),
   * also against a concurrent create, which it waits for, and also within one batch.
   */
  insert(item: UserInsert): Promise<StagedUserRecord | null> {
    if (this.tx.inTransaction) return this.insertMany([item]).then(([rec]) => rec);
    return this.batcher.submit(item);
  }

  private async insertMany(items: readonly UserInsert[]): Promise<Array<StagedUserRecord | null>> {
    const users: unknown[][] = Array.from({ length: 8 }, () => []);
    const resources: string[] = [];
    const rawPayloads: string[] = [];
    const events: unknown[][] = Array.from({ length: OUTBOX_COLUMNS.length + 1 }, () => []);
    for (const { scope, id, input, outbox } of items) {
      [id, scope.tenantId, scope.connectionId, ...ownColumns(input)].forEach((v, k) => users[k].push(v));
      resources.push(JSON.stringify(input.resource));
      rawPayloads.push(jsonText(input.rawPayload ?? null));
      for (const row of outbox.rows()) [id, ...row].forEach((v, k) => events[k].push(v));
    }
    const rows = await sqlRows<{ id: string; version: number; created_at: Date; updated_at: Date }>(
      this.tx.manager,
      INSERT_USERS_SQL,
      [...users, `[${resources.join(',')}]`, `[${rawPayloads.join(',')}]`, ...events],
    );
    this.statistics.noteInserted(rows.length);
    const inserted = new Map(rows.map((r) => [r.id, r]));
    return items.map(({ id, input, outbox }) => {
      const r = inserted.get(id);
      if (!r) return null;
      outbox.committed();
      return {
        id,
        userName: input.userName,
        externalId: input.externalId,
        active: input.active,
        primaryEmail: input.primaryEmail,
        resource: input.resource,
        version: r.version,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        groups: [],
      };
    });
  }

  private async findByUserNames(keys: readonly UserNameLookup[]): Promise<Array<StagedUserRecord | null>> {
    const rows = await sqlRows<UserRow & { ord: string }>(this.tx.manager, FIND_BY_USER_NAMES_SQL, [
      keys.map((k) => k.scope.tenantId),
      keys.map((k) => k.scope.connectionId),
      keys.map((k) => k.userName),
    ]);
    const found: Array<StagedUserRecord | null> = keys.map(() => null);
    for (const r of rows) found[Number(r.ord) - 1] = toRecord(r);
    return found;
  }

  /** Which of `ids` are live users of this connection (lower-cased); non-UUIDs are unknown. */
  async findLiveIds(scope: StagingScope, ids: readonly string[]): Promise<Set<string>> {
    const candidates = ids.filter((id) => isUuid(id)).map((id) => id.toLowerCase());
    if (candidates.length === 0) return new Set();
    const rows = await sqlRows<{ id: string }>(
      this.tx.manager,
      `SELECT id FROM staging.scim_user
        WHERE id = ANY($3::uuid[]) AND tenant_id = $1 AND connection_id = $2 AND deleted_at IS NULL`,
      [scope.tenantId, scope.connectionId, candidates],
    );
    return new Set(rows.map((r) => r.id));
  }

  async find(scope: StagingScope, id: string, opts: { forUpdate?: boolean } = {}): Promise<StagedUserRecord | null> {
    const groups = opts.forUpdate ? `'[]'::json AS groups` : GROUPS_SQL;
    const row = await this.findLive(scope, id, `${COLUMNS}, ${groups}`, opts.forUpdate);
    return row ? toRecord(row) : null;
  }

  /** Updates the (locked) row and writes its events' outbox rows in the same statement. */
  async update(
    scope: StagingScope,
    id: string,
    input: StageUserInput,
    outbox: OutboxStatement,
  ): Promise<StagedUserRecord> {
    const row = await this.updateLocked(
      scope,
      id,
      {
        set: `user_name = $4, external_id = $5, display_name = $6, active = $7, primary_email = $8, resource = $9::jsonb,
              raw_payload = $10::jsonb, version = u.version + 1`,
        values: [...ownColumns(input), JSON.stringify(input.resource), jsonText(input.rawPayload ?? null)],
        select: `${COLUMNS}, ${GROUPS_SQL}`,
      },
      outbox,
    );
    return toRecord(row);
  }

  /** Soft delete: the row stays for Sync and audit; its memberships go. */
  async markDeleted(scope: StagingScope, id: string): Promise<void> {
    await this.markRowDeleted(scope, id);
    await this.tx.manager.query(`DELETE FROM staging.scim_group_member WHERE member_id = $1 AND connection_id = $2`, [
      id,
      scope.connectionId,
    ]);
  }

  /** A filtered, sorted page, compiled to parameterised SQL (never filtered in memory). */
  async list(scope: StagingScope, query: StagedListQuery): Promise<StagedPage<StagedUserRecord>> {
    const userName =
      query.filter && !query.sortBy && query.count > 0 && query.startIndex <= 1
        ? userNameEquality(query.filter, USER_TARGET)
        : undefined;
    if (userName !== undefined && !this.tx.inTransaction) {
      // The page is the user, if any: no sort, no count — and under load one statement for many.
      const rec = await this.lookups.submit({ scope, userName });
      return { totalResults: rec ? 1 : 0, items: rec ? [rec] : [] };
    }
    return this.listPage(scope, query, `${COLUMNS}, ${GROUPS_SQL}`, toRecord);
  }
}
