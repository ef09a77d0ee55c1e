import { Inject, Injectable } from '@nestjs/common';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import { StagingFacade, type StagingScope } from '../../staging/public';
import { normalizeGroupInput } from '../domain/resource/scim-resource.normalizer';
import { changedKeys, expectedVersion, type Projection, type ScimResult } from './scim-common';
import { groupInput, membersUnlessExcluded, projectGroup } from './scim-group-common';
import { presentGroup } from './scim-presenter';
import { SCIM_SCHEMA_REGISTRY } from './scim-registry.provider';

/** PUT /Groups/{id} (RFC 7644 §3.5.1). Member changes are applied in SQL, O(changed members). */
@Injectable()
export class ReplaceScimGroupUseCase {
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
    const members = await membersUnlessExcluded(this.staging, scope, rec.id, p);
    return {
      id: rec.id,
      version: rec.version,
      body: projectGroup(presentGroup(rec, baseUrl, members), p, this.registry),
    };
  }
}
