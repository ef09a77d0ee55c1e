import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { sqlRows } from '../../../shared/database/sql';
import type { OutboxStatement } from '../../../shared/events/event-bus';
import { DEFAULT_SCIM_SCHEMA_REGISTRY } from '../../../shared/scim/schemas/scim-schema.registry';
import type {
  StagedGroupName,
  StagedGroupRecord,
  StagedListQuery,
  StagedMember,
  StagedPage,
  StageGroupInput,
  StagingScope,
} from '../public/staging.types';
import type { SqlFilterTarget } from './scim-filter-to-sql';
import { StagedTableRepository } from './staged-table.repository';
import { jsonText } from '../../../shared/http/json-body';
import { isUuid } from '../../../shared/domain/uuid';

interface GroupRow {
  id: string;
  display_name: string;
  external_id: string | null;
  resource: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
  total?: string;
}

const GROUP_TARGET: SqlFilterTarget = {
  resourceType: 'Group',
  alias: 'g',
  resolve: (path) => DEFAULT_SCIM_SCHEMA_REGISTRY.resolve('Group', path),
};

/** A member row a change removed. */
export interface RemovedMember {
  id: string;
  type: 'User' | 'Group';
}

const COLUMNS = `g.id, g.display_name, g.external_id, g.resource, g.version, g.created_at, g.updated_at`;

/** The group's own columns, in the order of `insert`'s `$4`…`$7` and `update`'s. */
const ownColumns = (input: StageGroupInput): unknown[] => [
  input.displayName,
  input.externalId,
  JSON.stringify(input.resource),
  jsonText(input.rawPayload ?? null),
];

const toRecord = (r: GroupRow): StagedGroupRecord => ({
  id: r.id,
  displayName: r.display_name,
  externalId: r.external_id,
  resource: r.resource,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

@Injectable()
export class StagedGroupRepository extends StagedTableRepository<GroupRow> {
  /** A fresh install's first 100 groups get the table analysed (FirstLoadStatistics). */
  constructor(tx: TransactionHost, dataSource: DataSource) {
    super(tx, dataSource, 'staging.scim_group', GROUP_TARGET, 100);
  }

  async insert(scope: StagingScope, id: string, input: StageGroupInput): Promise<StagedGroupRecord> {
    const [row] = await sqlRows<GroupRow>(
      this.tx.manager,
      `INSERT INTO staging.scim_group AS g (id, tenant_id, connection_id, display_name, external_id, resource, raw_payload)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) RETURNING ${COLUMNS}`,
      [id, scope.tenantId, scope.connectionId, ...ownColumns(input)],
    );
    this.statistics.noteInserted(1);
    return toRecord(row);
  }

  async find(scope: StagingScope, id: string, opts: { forUpdate?: boolean } = {}): Promise<StagedGroupRecord | null> {
    const row = await this.findLive(scope, id, COLUMNS, opts.forUpdate);
    return row ? toRecord(row) : null;
  }

  /** Updates the (locked) row and writes its events' outbox rows in the same statement. */
  async update(
    scope: StagingScope,
    id: string,
    input: StageGroupInput,
    bumpVersion: boolean,
    outbox: OutboxStatement,
  ): Promise<StagedGroupRecord> {
    const row = await this.updateLocked(
      scope,
      id,
      {
        set: `display_name = $4, external_id = $5, resource = $6::jsonb, raw_payload = $7::jsonb,
              version = g.version + CASE WHEN $8 THEN 1 ELSE 0 END`,
        values: [...ownColumns(input), bumpVersion],
        select: COLUMNS,
      },
      outbox,
    );
    return toRecord(row);
  }

  /** Marks the group deleted and drops its member rows; returns the users that were its members. */
  async markDeleted(scope: StagingScope, id: string): Promise<string[]> {
    await this.markRowDeleted(scope, id);
    // Its own members, and its places in other groups (a deleted group is nobody's member).
    const rows = await sqlRows<{ member_id: string; group_id: string; member_type: string }>(
      this.tx.manager,
      `DELETE FROM staging.scim_group_member WHERE group_id = $1 OR (member_id = $1 AND connection_id = $2)
       RETURNING member_id, group_id, member_type`,
      [id, scope.connectionId],
    );
    return rows.filter((r) => r.group_id === id && r.member_type === 'User').map((r) => r.member_id);
  }

  /** Keeps the group's name before a rename (see migration 1764000200000). */
  async recordFormerName(scope: StagingScope, group: StagedGroupRecord): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO staging.scim_group_former_name (group_id, tenant_id, connection_id, display_name, external_id)
       VALUES ($1, $2, $3, $4, $5)`,
      [group.id, scope.tenantId, scope.connectionId, group.displayName, group.externalId],
    );
  }

  /** The users that are direct members of the group now. */
  async userMemberIds(groupId: string): Promise<string[]> {
    const rows = await sqlRows<{ member_id: string }>(
      this.tx.manager,
      `SELECT member_id FROM staging.scim_group_member WHERE group_id = $1 AND member_type = 'User'`,
      [groupId],
    );
    return rows.map((r) => r.member_id);
  }

  async list(scope: StagingScope, query: StagedListQuery): Promise<StagedPage<StagedGroupRecord>> {
    return this.listPage(scope, query, COLUMNS, toRecord);
  }

  /**
   * Which of `ids` are live users or groups of this connection (a group may only contain those).
   * Non-UUID values are unknown by definition.
   *
   * The rows found are locked FOR SHARE until the transaction ends: a concurrent DELETE of a member
   * (an UPDATE of its row) waits for the membership insert to commit and then removes it with the
   * member's other memberships; a DELETE that committed first makes the row fail the re-check, so
   * the member is unknown. Without the lock both could commit and leave a deleted user in a group.
   */
  async resolveMemberTypes(scope: StagingScope, ids: readonly string[]): Promise<Map<string, 'User' | 'Group'>> {
    const candidates: string[] = [];
    for (const id of ids) if (isUuid(id)) candidates.push(id.toLowerCase());
    if (candidates.length === 0) return new Map();
    const rows = await sqlRows<{ id: string; type: 'User' | 'Group' }>(
      this.tx.manager,
      `WITH u AS (SELECT id FROM staging.scim_user WHERE id = ANY($3::uuid[]) AND tenant_id = $1 AND connection_id = $2 AND deleted_at IS NULL
                   FOR SHARE),
            g AS (SELECT id FROM staging.scim_group WHERE id = ANY($3::uuid[]) AND tenant_id = $1 AND connection_id = $2 AND deleted_at IS NULL
                   FOR SHARE)
       SELECT id, 'User' AS type FROM u UNION ALL SELECT id, 'Group' AS type FROM g`,
      // The array's text form built here: the ids are checked UUIDs (nothing to quote), and node-pg's
      // per-element escaping was a fifth of the CPU of a PATCH carrying 40,000 member ids.
      [scope.tenantId, scope.connectionId, `{${candidates.join(',')}}`],
    );
    return new Map(rows.map((r) => [r.id, r.type]));
  }

  /** Inserts members that are not there yet; returns the ids actually added. */
  async addMembers(
    scope: StagingScope,
    groupId: string,
    members: ReadonlyArray<StagedMember & { type: 'User' | 'Group' }>,
  ): Promise<string[]> {
    if (members.length === 0) return [];
    const rows = await sqlRows<{ member_id: string }>(
      this.tx.manager,
      `INSERT INTO staging.scim_group_member (group_id, member_id, member_type, display, tenant_id, connection_id)
       SELECT $1, m.id, m.type, m.display, $2, $3
         FROM unnest($4::uuid[], $5::text[], $6::text[]) WITH ORDINALITY AS m(id, type, display, ord)
        ORDER BY m.ord
       ON CONFLICT (group_id, member_id) DO NOTHING
       RETURNING member_id`,
      [
        groupId,
        scope.tenantId,
        scope.connectionId,
        members.map((m) => m.value.toLowerCase()),
        members.map((m) => m.type),
        members.map((m) => m.display ?? null),
      ],
    );
    return rows.map((r) => r.member_id);
  }

  /** Removes the given members; absent ones are ignored (RFC 7644 §3.5.2.2, idempotent). */
  async removeMembers(groupId: string, memberIds: readonly string[]): Promise<RemovedMember[]> {
    const ids = memberIds.filter((id) => isUuid(id)).map((id) => id.toLowerCase());
    if (ids.length === 0) return [];
    const rows = await sqlRows<RemovedMember>(
      this.tx.manager,
      `DELETE FROM staging.scim_group_member WHERE group_id = $1 AND member_id = ANY($2::uuid[])
       RETURNING member_id AS id, member_type AS type`,
      [groupId, ids],
    );
    return rows;
  }

  /**
   * Removes every member not in `keep`; returns the removed ids. Non-UUID values in `keep` can name no
   * member (the caller's addMembers rejects them); casting them would fail the whole statement.
   */
  async removeMembersExcept(groupId: string, keep: readonly string[]): Promise<RemovedMember[]> {
    return sqlRows<RemovedMember>(
      this.tx.manager,
      `DELETE FROM staging.scim_group_member WHERE group_id = $1 AND NOT (member_id = ANY($2::uuid[]))
       RETURNING member_id AS id, member_type AS type`,
      [groupId, keep.filter((id) => isUuid(id)).map((id) => id.toLowerCase())],
    );
  }

  async groupNamesOfUsers(
    scope: StagingScope,
    stagedUserIds: readonly string[],
  ): Promise<Map<string, StagedGroupName[]>> {
    const ids = stagedUserIds.filter((id) => isUuid(id)).map((id) => id.toLowerCase());
    const result = new Map<string, StagedGroupName[]>();
    if (ids.length === 0) return result;
    const rows = await sqlRows<{ member_id: string; display_name: string; external_id: string | null }>(
      this.tx.manager,
      `SELECT m.member_id, g.display_name, g.external_id
         FROM staging.scim_group_member m
         JOIN staging.scim_group g ON g.id = m.group_id AND g.deleted_at IS NULL
        WHERE m.member_id = ANY($3::uuid[]) AND m.member_type = 'User' AND m.connection_id = $2 AND m.tenant_id = $1`,
      [scope.tenantId, scope.connectionId, ids],
    );
    for (const r of rows) {
      const names = result.get(r.member_id) ?? [];
      names.push({ displayName: r.display_name, externalId: r.external_id });
      result.set(r.member_id, names);
    }
    return result;
  }

  async listMembers(scope: StagingScope, groupIds: readonly string[]): Promise<Map<string, StagedMember[]>> {
    const result = new Map<string, StagedMember[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return result;
    const rows = await sqlRows<{
      group_id: string;
      member_id: string;
      member_type: 'User' | 'Group';
      display: string | null;
    }>(
      this.tx.manager,
      `SELECT m.group_id, m.member_id, m.member_type,
              COALESCE(u.display_name, u.user_name, g.display_name, m.display) AS display
         FROM staging.scim_group_member m
         LEFT JOIN staging.scim_user u ON m.member_type = 'User' AND u.id = m.member_id
         LEFT JOIN staging.scim_group g ON m.member_type = 'Group' AND g.id = m.member_id
        WHERE m.group_id = ANY($1::uuid[]) AND m.tenant_id = $2 AND m.connection_id = $3
        ORDER BY m.group_id, m.created_at, m.member_id`,
      [groupIds, scope.tenantId, scope.connectionId],
    );
    for (const r of rows) {
      const member: StagedMember = {
        value: r.member_id,
        type: r.member_type,
        ...(r.display ? { display: r.display } : {}),
      };
      result.get(r.group_id)?.push(member);
    }
    return result;
  }
}
