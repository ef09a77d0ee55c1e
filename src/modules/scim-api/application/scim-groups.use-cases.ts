import { Inject, Injectable } from '@nestjs/common';
import { ScimError } from '../../../shared/scim/scim-error';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import { StagingFacade, type StagedMember, type StageGroupInput, type StagingScope } from '../../staging/public';
import { planGroupPatch } from '../domain/patch/scim-patch.applier';
import { normalizePatchRequest } from '../domain/patch/scim-patch.normalizer';
import { projectResource } from '../domain/projection/scim-projection';
import { normalizeGroupInput } from '../domain/resource/scim-resource.normalizer';
import { assertIndexable, expectedVersion, type Projection } from './scim-common';
import { membersExcluded, type ScimListQuery } from './scim-list-query';
import { listResponse, presentGroup } from './scim-presenter';
import { SCIM_SCHEMA_REGISTRY } from './scim-registry.provider';
import { changedKeys, type ScimResult } from './scim-users.use-cases';

function groupInput(resource: Record<string, unknown>, rawPayload: unknown): StageGroupInput {
  const displayName = String(resource.displayName);
  const externalId = typeof resource.externalId === 'string' && resource.externalId !== '' ? resource.externalId : null;
  assertIndexable('displayName', displayName);
  assertIndexable('externalId', externalId);
  return { displayName, externalId, resource, rawPayload };
}

/** RFC 7644 §3.3–§3.6 for Groups. Member changes are applied in SQL, O(changed members). */
@Injectable()
export class ScimGroupsUseCases {
  constructor(
    private readonly staging: StagingFacade,
    @Inject(SCIM_SCHEMA_REGISTRY) private readonly registry: ScimSchemaRegistry,
  ) {}

  private project(full: Record<string, unknown>, p: Projection) {
    return projectResource(full, p, 'Group', this.registry);
  }

  private async withMembers(scope: StagingScope, id: string, p: Projection) {
    if (membersExcluded(p)) return undefined;
    return (await this.staging.listMembers(scope, [id])).get(id);
  }

  async create(scope: StagingScope, body: unknown, baseUrl: string, p: Projection): Promise<ScimResult> {
    const input = normalizeGroupInput(body, this.registry);
    const rec = await this.staging.createGroup(scope, groupInput(input.resource, body), input.members);
    const members = await this.withMembers(scope, rec.id, p);
    return { id: rec.id, version: rec.version, body: this.project(presentGroup(rec, baseUrl, members), p) };
  }

  async get(scope: StagingScope, id: string, baseUrl: string, p: Projection): Promise<ScimResult> {
    const rec = await this.staging.getGroup(scope, id);
    if (!rec) throw ScimError.notFound(`Group ${id.slice(0, 64)} not found`);
    const members = await this.withMembers(scope, rec.id, p);
    return { id: rec.id, version: rec.version, body: this.project(presentGroup(rec, baseUrl, members), p) };
  }

  async replace(
    scope: StagingScope,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    baseUrl: string,
    p: Projection,
  ): Promise<ScimResult> {
    const input = normalizeGroupInput(body, this.registry);
    const rec = await this.staging.modifyGroup(
      scope,
      id,
      (current) => ({
        input: groupInput(input.resource, body),
        changedAttributes: changedKeys(current.resource, input.resource),
        members: { add: [], remove: [], replaceAll: input.members },
      }),
      expectedVersion(ifMatch),
    );
    const members = await this.withMembers(scope, rec.id, p);
    return { id: rec.id, version: rec.version, body: this.project(presentGroup(rec, baseUrl, members), p) };
  }

  /** Group PATCH never echoes members (Entra: "returning … all the members isn't advisable"). */
  async patch(
    scope: StagingScope,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    baseUrl: string,
    p: Projection,
  ): Promise<ScimResult> {
    const ops = normalizePatchRequest(body, 'Group', this.registry);
    const rec = await this.staging.modifyGroup(
      scope,
      id,
      (current) => {
        const plan = planGroupPatch(current.resource, ops, this.registry);
        return {
          input: groupInput(plan.resource, body),
          changedAttributes: plan.changedAttributes.filter((a) => a !== 'members'),
          members: plan.members,
        };
      },
      expectedVersion(ifMatch),
    );
    return { id: rec.id, version: rec.version, body: this.project(presentGroup(rec, baseUrl), p) };
  }

  async delete(scope: StagingScope, id: string, ifMatch: string | undefined): Promise<void> {
    await this.staging.deleteGroup(scope, id, expectedVersion(ifMatch));
  }

  async list(scope: StagingScope, q: ScimListQuery, baseUrl: string) {
    const page = await this.staging.listGroups(scope, q);
    const members = membersExcluded(q)
      ? new Map<string, StagedMember[]>()
      : await this.staging.listMembers(
          scope,
          page.items.map((g) => g.id),
        );
    const resources = page.items.map((rec) => this.project(presentGroup(rec, baseUrl, members.get(rec.id)), q));
    return listResponse(resources, page.totalResults, q.startIndex);
  }
}
