import { Inject, Injectable } from '@nestjs/common';
import { ScimError } from '../../../shared/scim/scim-error';
import { SCIM_SCHEMA } from '../../../shared/scim/scim.constants';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import { StagingFacade, type StagingScope } from '../../staging/public';
import { applyUserPatch } from '../domain/patch/scim-patch.applier';
import { normalizePatchRequest } from '../domain/patch/scim-patch.normalizer';
import { projectResource } from '../domain/projection/scim-projection';
import { deepEqual, isPlainObject } from '../domain/resource/scim-json';
import { normalizeUserInput, orderResource, type ScimResourceJson } from '../domain/resource/scim-resource.normalizer';
import { expectedVersion, hasTopLevelKey, type Projection } from './scim-common';
import type { ScimListQuery } from './scim-list-query';
import { listResponse, presentUser } from './scim-presenter';
import { SCIM_SCHEMA_REGISTRY } from './scim-registry.provider';
import { userColumns } from './scim-user.columns';

export interface ScimResult {
  body: Record<string, unknown>;
  version: number;
  id: string;
}

/** RFC 7644 §3.3–§3.6 for Users, over Staging. */
@Injectable()
export class ScimUsersUseCases {
  constructor(
    private readonly staging: StagingFacade,
    @Inject(SCIM_SCHEMA_REGISTRY) private readonly registry: ScimSchemaRegistry,
  ) {}

  private project(full: Record<string, unknown>, p: Projection) {
    return projectResource(full, p, 'User', this.registry);
  }

  /**
   * The enterprise `manager` must name a live user of this connection (issue #17: it could point at
   * another connection's user). An unknown id is treated like an unknown group member: the write
   * succeeds without it, and Staging audits and logs the ignored id.
   */
  private async scopeManager(
    scope: StagingScope,
    resource: ScimResourceJson,
  ): Promise<{ resource: ScimResourceJson; ignoredManagerIds: string[] }> {
    const ext = resource[ENTERPRISE];
    const manager = isPlainObject(ext) ? ext['manager'] : undefined;
    const value = isPlainObject(manager) ? manager['value'] : undefined;
    if (!isPlainObject(ext) || typeof value !== 'string') return { resource, ignoredManagerIds: [] };
    const live = await this.staging.findLiveUserIds(scope, [value]);
    if (live.has(value.toLowerCase())) return { resource, ignoredManagerIds: [] };
    const { manager: _dropped, ...rest } = ext;
    const out: ScimResourceJson = { ...resource, [ENTERPRISE]: rest };
    return { resource: orderResource(out, 'User', this.registry), ignoredManagerIds: [value] };
  }

  async create(scope: StagingScope, body: unknown, baseUrl: string, p: Projection): Promise<ScimResult> {
    const input = normalizeUserInput(body, this.registry);
    const scoped = await this.scopeManager(scope, input.resource);
    const rec = await this.staging.createUser(scope, {
      ...userColumns(scoped.resource, body),
      ignoredManagerIds: scoped.ignoredManagerIds,
    });
    return { id: rec.id, version: rec.version, body: this.project(presentUser(rec, baseUrl), p) };
  }

  async get(scope: StagingScope, id: string, baseUrl: string, p: Projection): Promise<ScimResult> {
    const rec = await this.staging.getUser(scope, id);
    if (!rec) throw ScimError.notFound(`User ${id.slice(0, 64)} not found`);
    return { id: rec.id, version: rec.version, body: this.project(presentUser(rec, baseUrl), p) };
  }

  /** PUT (RFC 7644 §3.5.1). `active` left out keeps its value: Okta's AIW apps PUT profiles. */
  async replace(
    scope: StagingScope,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    baseUrl: string,
    p: Projection,
  ): Promise<ScimResult> {
    const input = normalizeUserInput(body, this.registry);
    const rec = await this.staging.modifyUser(
      scope,
      id,
      async (current) => {
        const sent = hasTopLevelKey(body, 'active') ? input.resource : { ...input.resource, active: current.active };
        const { resource, ignoredManagerIds } = await this.scopeManager(scope, sent);
        return {
          input: { ...userColumns(resource, body), ignoredManagerIds },
          changedAttributes: changedKeys(current.resource, resource),
        };
      },
      expectedVersion(ifMatch),
    );
    return { id: rec.id, version: rec.version, body: this.project(presentUser(rec, baseUrl), p) };
  }

  /** PATCH (RFC 7644 §3.5.2): every dialect normalised first, then all operations or none. */
  async patch(
    scope: StagingScope,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    baseUrl: string,
    p: Projection,
  ): Promise<ScimResult> {
    const ops = normalizePatchRequest(body, 'User', this.registry);
    const rec = await this.staging.modifyUser(
      scope,
      id,
      async (current) => {
        const result = applyUserPatch(current.resource, ops, this.registry);
        const { resource, ignoredManagerIds } = await this.scopeManager(scope, result.resource);
        const changedAttributes =
          ignoredManagerIds.length > 0 && deepEqual(managerOf(current.resource), managerOf(resource))
            ? result.changedAttributes.filter((a) => a !== `${ENTERPRISE}:manager`)
            : result.changedAttributes;
        return { input: { ...userColumns(resource, body), ignoredManagerIds }, changedAttributes };
      },
      expectedVersion(ifMatch),
    );
    return { id: rec.id, version: rec.version, body: this.project(presentUser(rec, baseUrl), p) };
  }

  async delete(scope: StagingScope, id: string, ifMatch: string | undefined): Promise<void> {
    await this.staging.deleteUser(scope, id, expectedVersion(ifMatch));
  }

  async list(scope: StagingScope, q: ScimListQuery, baseUrl: string) {
    const page = await this.staging.listUsers(scope, q);
    const resources = page.items.map((rec) => this.project(presentUser(rec, baseUrl), q));
    return listResponse(resources, page.totalResults, q.startIndex);
  }
}

const ENTERPRISE = SCIM_SCHEMA.ENTERPRISE_USER;

function managerOf(resource: ScimResourceJson): unknown {
  const ext = resource[ENTERPRISE];
  return isPlainObject(ext) ? ext['manager'] : undefined;
}

export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}
