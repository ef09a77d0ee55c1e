import { Inject, Injectable } from '@nestjs/common';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import { StagingFacade, type StagingScope } from '../../staging/public';
import { planGroupPatch } from '../domain/patch/scim-patch.applier';
import { normalizePatchRequest } from '../domain/patch/scim-patch.normalizer';
import { expectedVersion, type Projection, type ScimResult } from './scim-common';
import { groupInput, projectGroup } from './scim-group-common';
import { presentGroup } from './scim-presenter';
import { SCIM_SCHEMA_REGISTRY } from './scim-registry.provider';

/**
 * PATCH /Groups/{id} (RFC 7644 §3.5.2). Member changes are applied in SQL, O(changed members).
 * Group PATCH never echoes members (Entra: "returning … all the members isn't advisable").
 */
@Injectable()
export class PatchScimGroupUseCase {
  constructor(
    private readonly staging: StagingFacade,
    @Inject(SCIM_SCHEMA_REGISTRY) private readonly registry: ScimSchemaRegistry,
  ) {}

  async execute(
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
    return { id: rec.id, version: rec.version, body: projectGroup(presentGroup(rec, baseUrl), p, this.registry) };
  }
}
