import { Inject, Injectable } from '@nestjs/common';
import { ScimError } from '../../../shared/scim/scim-error';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import { StagingFacade, type StagingScope } from '../../staging/public';
import { applyUserPatch } from '../domain/patch/scim-patch.applier';
import { normalizePatchRequest } from '../domain/patch/scim-patch.normalizer';
import { projectResource } from '../domain/projection/scim-projection';
import { normalizeUserInput } from '../domain/resource/scim-resource.normalizer';
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

  async create(scope: StagingScope, body: unknown, baseUrl: string, p: Projection): Promise<ScimResult> {
    const input = normalizeUserInput(body, this.registry);
    const rec = await this.staging.createUser(scope, userColumns(input.resource, body));
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
      (current) => {
        const resource = hasTopLevelKey(body, 'active')
          ? input.resource
          : { ...input.resource, active: current.active };
        return { input: userColumns(resource, body), changedAttributes: changedKeys(current.resource, resource) };
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
      (current) => {
        const result = applyUserPatch(current.resource, ops, this.registry);
        return { input: userColumns(result.resource, body), changedAttributes: result.changedAttributes };
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

export function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}
