import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { isConnectionId } from '../domain/scim-token';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import {
  InternalGroupRepository,
  type GroupMappingRow,
  type InternalGroupRow,
  type SiteRow,
} from '../infrastructure/internal-group.repository';
import type { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { connectionNotFound } from './scim-connection-common';
import { isUuid } from '../../../shared/domain/uuid';

export interface SiteView {
  id: string;
  name: string;
  createdAt: string;
}

export interface InternalGroupView {
  id: string;
  name: string;
  /** Sorted, unique. */
  permissions: string[];
  siteIds: string[];
  sites: Array<{ id: string; name: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface GroupMappingView {
  id: string;
  scimGroup: { displayName: string } | { externalId: string };
  internalGroupId: string;
  internalGroupName: string;
}

export interface GroupMappingInput {
  scimGroup: { displayName?: string; externalId?: string };
  internalGroupId: string;
}

export const toSiteView = (s: SiteRow): SiteView => ({ id: s.id, name: s.name, createdAt: s.created_at.toISOString() });

export const toGroupView = (g: InternalGroupRow): InternalGroupView => ({
  id: g.id,
  name: g.name,
  permissions: g.permissions,
  siteIds: g.sites.map((s) => s.id),
  sites: g.sites,
  createdAt: g.created_at.toISOString(),
  updatedAt: g.updated_at.toISOString(),
});

export const toMappingView = (m: GroupMappingRow): GroupMappingView => ({
  id: m.id,
  scimGroup:
    m.scim_group_display_name !== null
      ? { displayName: m.scim_group_display_name }
      : { externalId: m.scim_group_external_id! },
  internalGroupId: m.internal_group_id,
  internalGroupName: m.internal_group_name,
});

/** Trimmed, unique, sorted by code point — the order the members list reports them in. */
export function normalisePermissions(permissions: readonly string[]): string[] {
  return [...new Set(permissions.map((p) => p.trim()).filter((p) => p !== ''))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return (e?.driverError?.code ?? e?.code) === '23505' && (e?.driverError?.constraint ?? e?.constraint) === constraint;
}

/** Rules are the same when they name the same SCIM group (displayName case-insensitively) and internal group. */
export const ruleKey = (displayName: string | null, externalId: string | null, internalGroupId: string) =>
  `${displayName?.toLowerCase() ?? ''}\u0000${externalId ?? ''}\u0000${internalGroupId}`;

export const groupNotFound = () => new TenancyError(TenancyErrorCode.GROUP_NOT_FOUND, 'internal group not found');
export const siteNotFound = () => new TenancyError(TenancyErrorCode.SITE_NOT_FOUND, 'site not found');
const groupNameTaken = () =>
  new TenancyError(TenancyErrorCode.GROUP_NAME_TAKEN, 'an internal group with this name already exists in the tenant');
const siteNameTaken = () =>
  new TenancyError(TenancyErrorCode.SITE_NAME_TAKEN, 'a site with this name already exists in the tenant');

/** The unique index on each kind's name within a tenant, and the error a clash with it is. */
const NAME_TAKEN = {
  group: { constraint: 'internal_group__tenant_id_name__uq', error: groupNameTaken },
  site: { constraint: 'site__tenant_id_name__uq', error: siteNameTaken },
} as const;

/** What the writes of internal groups and sites share: their dependencies, and how a name clash reads. */
@Injectable()
export abstract class DirectoryUseCaseBase {
  constructor(
    protected readonly tx: TransactionHost,
    protected readonly repo: InternalGroupRepository,
    protected readonly tenants: TenantRepository,
    protected readonly events: EventBus,
  ) {}

  /** Runs `write` in a transaction; a name another internal group (or site) of the tenant has is a conflict. */
  protected async writeNamed<T>(kind: keyof typeof NAME_TAKEN, write: () => Promise<T>): Promise<T> {
    try {
      return await this.tx.run(write);
    } catch (err) {
      if (isUniqueViolation(err, NAME_TAKEN[kind].constraint)) throw NAME_TAKEN[kind].error();
      throw err;
    }
  }
}

/** The requested site ids, lower-cased and unique; every one must be a site of the tenant. */
export async function checkSites(
  repo: InternalGroupRepository,
  tenantId: string,
  siteIds: readonly string[],
): Promise<string[]> {
  const unique = [...new Set(siteIds.map((s) => s.toLowerCase()))];
  const existing = await repo.existingSiteIds(tenantId, unique.filter(isUuid));
  const unknown = unique.filter((s) => !existing.has(s));
  if (unknown.length > 0) {
    throw new TenancyError(
      TenancyErrorCode.INVALID_REFERENCE,
      'siteIds names sites that are not sites of this tenant',
      unknown
        .slice(0, 20)
        .map((s) => ({ field: 'siteIds', problem: `"${s.slice(0, 64)}" is not a site of this tenant` })),
    );
  }
  return unique;
}

export async function liveConnectionOrThrow(connections: ScimConnectionRepository, connectionId: string) {
  const c = isConnectionId(connectionId) ? await connections.findLive(connectionId) : null;
  if (!c) throw connectionNotFound();
  return c;
}
