import { Injectable } from '@nestjs/common';
import { TransactionHost } from '../../../shared/database/transaction-host';
import { EventBus } from '../../../shared/events/event-bus';
import { isConnectionId, isUuid } from '../domain/scim-token';
import { GroupMappingsReplacedEvent } from '../public/events/group-mappings-replaced.event';
import { InternalGroupCreatedEvent } from '../public/events/internal-group-created.event';
import { InternalGroupDeletedEvent } from '../public/events/internal-group-deleted.event';
import { InternalGroupUpdatedEvent } from '../public/events/internal-group-updated.event';
import { SiteCreatedEvent } from '../public/events/site-created.event';
import { SiteDeletedEvent } from '../public/events/site-deleted.event';
import { SiteUpdatedEvent } from '../public/events/site-updated.event';
import { TenancyError, TenancyErrorCode } from '../public/tenancy.errors';
import {
  InternalGroupRepository,
  type GroupMappingRow,
  type InternalGroupRow,
  type SiteRow,
} from '../infrastructure/internal-group.repository';
import { ScimConnectionRepository } from '../infrastructure/scim-connection.repository';
import { TenantRepository } from '../infrastructure/tenant.repository';
import { tenantNotFound } from './tenant-common';
import { connectionNotFound } from './scim-connection-common';

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

const toSiteView = (s: SiteRow): SiteView => ({ id: s.id, name: s.name, createdAt: s.created_at.toISOString() });

const toGroupView = (g: InternalGroupRow): InternalGroupView => ({
  id: g.id,
  name: g.name,
  permissions: g.permissions,
  siteIds: g.sites.map((s) => s.id),
  sites: g.sites,
  createdAt: g.created_at.toISOString(),
  updatedAt: g.updated_at.toISOString(),
});

const toMappingView = (m: GroupMappingRow): GroupMappingView => ({
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

export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  return (e?.driverError?.code ?? e?.code) === '23505' && (e?.driverError?.constraint ?? e?.constraint) === constraint;
}

/** Rules are the same when they name the same SCIM group (displayName case-insensitively) and internal group. */
const ruleKey = (displayName: string | null, externalId: string | null, internalGroupId: string) =>
  `${displayName?.toLowerCase() ?? ''}\u0000${externalId ?? ''}\u0000${internalGroupId}`;

const groupNotFound = () => new TenancyError(TenancyErrorCode.GROUP_NOT_FOUND, 'internal group not found');
const siteNotFound = () => new TenancyError(TenancyErrorCode.SITE_NOT_FOUND, 'site not found');
const groupNameTaken = () =>
  new TenancyError(TenancyErrorCode.GROUP_NAME_TAKEN, 'an internal group with this name already exists in the tenant');
const siteNameTaken = () =>
  new TenancyError(TenancyErrorCode.SITE_NAME_TAKEN, 'a site with this name already exists in the tenant');

/**
 * Admin use cases of the tenant directory: sites, internal groups (permissions + site access) and
 * the per-connection SCIM group → internal group mapping rules. Each mutation is one transaction
 * with its event.
 */
@Injectable()
export class TenantDirectoryUseCases {
  constructor(
    private readonly tx: TransactionHost,
    private readonly repo: InternalGroupRepository,
    private readonly tenants: TenantRepository,
    private readonly connections: ScimConnectionRepository,
    private readonly events: EventBus,
  ) {}

  private async tenant(tenantId: string): Promise<void> {
    if (!isUuid(tenantId) || !(await this.tenants.findById(tenantId))) throw tenantNotFound();
  }

  // ---- sites ----

  async createSite(tenantId: string, name: string): Promise<SiteView> {
    await this.tenant(tenantId);
    try {
      return await this.tx.run(async () => {
        const site = await this.repo.insertSite(tenantId, name.trim());
        await this.events.publish(new SiteCreatedEvent({ siteId: site.id, name: site.name }, { tenantId }));
        return toSiteView(site);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'site__tenant_id_name__uq')) throw siteNameTaken();
      throw err;
    }
  }

  async listSites(tenantId: string): Promise<SiteView[]> {
    await this.tenant(tenantId);
    return (await this.repo.listSites(tenantId)).map(toSiteView);
  }

  async getSite(tenantId: string, siteId: string): Promise<SiteView> {
    await this.tenant(tenantId);
    const site = isUuid(siteId) ? await this.repo.findSite(tenantId, siteId) : null;
    if (!site) throw siteNotFound();
    return toSiteView(site);
  }

  async renameSite(tenantId: string, siteId: string, name: string | undefined): Promise<SiteView> {
    await this.tenant(tenantId);
    if (!isUuid(siteId)) throw siteNotFound();
    if (name === undefined) return this.getSite(tenantId, siteId);
    try {
      return await this.tx.run(async () => {
        const site = await this.repo.renameSite(tenantId, siteId, name.trim());
        if (!site) throw siteNotFound();
        await this.events.publish(new SiteUpdatedEvent({ siteId, name: site.name }, { tenantId }));
        return toSiteView(site);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'site__tenant_id_name__uq')) throw siteNameTaken();
      throw err;
    }
  }

  async deleteSite(tenantId: string, siteId: string): Promise<void> {
    await this.tenant(tenantId);
    if (!isUuid(siteId)) throw siteNotFound();
    await this.tx.run(async () => {
      const site = await this.repo.deleteSite(tenantId, siteId);
      if (!site) throw siteNotFound();
      await this.events.publish(new SiteDeletedEvent({ siteId, name: site.name }, { tenantId }));
    });
  }

  // ---- internal groups ----

  private async checkSites(tenantId: string, siteIds: readonly string[]): Promise<string[]> {
    const unique = [...new Set(siteIds.map((s) => s.toLowerCase()))];
    const existing = await this.repo.existingSiteIds(tenantId, unique.filter(isUuid));
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

  async createGroup(
    tenantId: string,
    input: { name: string; permissions?: string[]; siteIds?: string[] },
  ): Promise<InternalGroupView> {
    await this.tenant(tenantId);
    const permissions = normalisePermissions(input.permissions ?? []);
    try {
      return await this.tx.run(async () => {
        const siteIds = await this.checkSites(tenantId, input.siteIds ?? []);
        const id = await this.repo.insertGroup(tenantId, input.name.trim(), permissions);
        await this.repo.replaceGroupSites(id, siteIds);
        const group = (await this.repo.findGroup(tenantId, id))!;
        await this.events.publish(
          new InternalGroupCreatedEvent(
            { groupId: id, name: group.name, permissions, siteIds: group.sites.map((s) => s.id) },
            { tenantId },
          ),
        );
        return toGroupView(group);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'internal_group__tenant_id_name__uq')) throw groupNameTaken();
      throw err;
    }
  }

  async listGroups(tenantId: string): Promise<InternalGroupView[]> {
    await this.tenant(tenantId);
    return (await this.repo.listGroups(tenantId)).map(toGroupView);
  }

  async getGroup(tenantId: string, groupId: string): Promise<InternalGroupView> {
    await this.tenant(tenantId);
    const group = isUuid(groupId) ? await this.repo.findGroup(tenantId, groupId) : null;
    if (!group) throw groupNotFound();
    return toGroupView(group);
  }

  async updateGroup(
    tenantId: string,
    groupId: string,
    input: { name?: string; permissions?: string[]; siteIds?: string[] },
  ): Promise<InternalGroupView> {
    await this.tenant(tenantId);
    if (!isUuid(groupId)) throw groupNotFound();
    try {
      return await this.tx.run(async () => {
        const before = await this.repo.findGroup(tenantId, groupId, { forUpdate: true });
        if (!before) throw groupNotFound();
        const changed: string[] = [];
        const name = input.name?.trim();
        const permissions = input.permissions ? normalisePermissions(input.permissions) : undefined;
        if (name !== undefined && name !== before.name) changed.push('name');
        if (permissions && permissions.join('\n') !== before.permissions.join('\n')) changed.push('permissions');
        if (input.siteIds) {
          const siteIds = await this.checkSites(tenantId, input.siteIds);
          const current = new Set(before.sites.map((s) => s.id));
          if (siteIds.length !== current.size || siteIds.some((s) => !current.has(s))) {
            changed.push('siteIds');
            await this.repo.replaceGroupSites(groupId, siteIds);
          }
        }
        if (changed.includes('name') || changed.includes('permissions'))
          await this.repo.updateGroup(tenantId, groupId, { name, permissions });
        if (changed.length > 0)
          await this.events.publish(
            new InternalGroupUpdatedEvent({ groupId, changedAttributes: changed }, { tenantId }),
          );
        return toGroupView((await this.repo.findGroup(tenantId, groupId))!);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'internal_group__tenant_id_name__uq')) throw groupNameTaken();
      throw err;
    }
  }

  /** Deletes the group; its member rows, site rows and mapping rules go with it (ON DELETE CASCADE). */
  async deleteGroup(tenantId: string, groupId: string): Promise<void> {
    await this.tenant(tenantId);
    if (!isUuid(groupId)) throw groupNotFound();
    await this.tx.run(async () => {
      const group = await this.repo.deleteGroup(tenantId, groupId);
      if (!group) throw groupNotFound();
      await this.events.publish(new InternalGroupDeletedEvent({ groupId, name: group.name }, { tenantId }));
    });
  }

  // ---- group mappings ----

  private async connection(connectionId: string) {
    const c = isConnectionId(connectionId) ? await this.connections.findLive(connectionId) : null;
    if (!c) throw connectionNotFound();
    return c;
  }

  async listMappings(connectionId: string): Promise<GroupMappingView[]> {
    const c = await this.connection(connectionId);
    return (await this.repo.listMappings(c.tenantId, c.id)).map(toMappingView);
  }

  /**
   * Replaces the connection's mapping rules. Each rule names its SCIM group by exactly one of
   * displayName (matched case-insensitively) or externalId; duplicates collapse.
   */
  async replaceMappings(connectionId: string, input: readonly GroupMappingInput[]): Promise<GroupMappingView[]> {
    const c = await this.connection(connectionId);
    const problems: Array<{ field: string; problem: string }> = [];
    const rules = new Map<string, { displayName: string | null; externalId: string | null; internalGroupId: string }>();
    input.forEach((m, i) => {
      const displayName = m.scimGroup?.displayName?.trim() || null;
      const externalId = m.scimGroup?.externalId?.trim() || null;
      if ((displayName === null) === (externalId === null)) {
        problems.push({ field: `mappings.${i}.scimGroup`, problem: 'give exactly one of displayName or externalId' });
        return;
      }
      const internalGroupId = m.internalGroupId.toLowerCase();
      const key = ruleKey(displayName, externalId, internalGroupId);
      if (!rules.has(key)) rules.set(key, { displayName, externalId, internalGroupId });
    });
    return this.tx.run(async () => {
      const wanted = [...new Set([...rules.values()].map((r) => r.internalGroupId))];
      const existing = await this.repo.existingGroupIds(c.tenantId, wanted.filter(isUuid));
      input.forEach((m, i) => {
        if (!existing.has(m.internalGroupId.toLowerCase())) {
          problems.push({
            field: `mappings.${i}.internalGroupId`,
            problem: "is not an internal group of the connection's tenant",
          });
        }
      });
      if (problems.length > 0)
        throw new TenancyError(TenancyErrorCode.INVALID_MAPPING, 'mappings are invalid', problems);
      // Serialise concurrent replacements of one connection's rules.
      await this.connections.findLiveForUpdate(c.id);
      const removed = (await this.repo.listMappings(c.tenantId, c.id))
        .filter((m) => !rules.has(ruleKey(m.scim_group_display_name, m.scim_group_external_id, m.internal_group_id)))
        .map((m) => ({
          scimGroupDisplayName: m.scim_group_display_name,
          scimGroupExternalId: m.scim_group_external_id,
          internalGroupId: m.internal_group_id,
        }));
      await this.repo.replaceMappings(c.tenantId, c.id, [...rules.values()]);
      await this.events.publish(
        new GroupMappingsReplacedEvent({ connectionId: c.id, count: rules.size, removed }, { tenantId: c.tenantId }),
      );
      return (await this.repo.listMappings(c.tenantId, c.id)).map(toMappingView);
    });
  }
}
