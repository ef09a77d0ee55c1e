import { Inject, Injectable } from '@nestjs/common';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import { StagingFacade, type StagingScope } from '../../staging/public';
import { normalizeGroupInput } from '../domain/resource/scim-resource.normalizer';
import type { Projection, ScimResult } from './scim-common';
import { groupInput, membersUnlessExcluded, projectGroup } from './scim-group-common';
import { presentGroup } from './scim-presenter';
import { SCIM_SCHEMA_REGISTRY } from './scim-registry.provider';

/** POST /Groups (RFC 7644 §3.3). */
@Injectable()
export class CreateScimGroupUseCase {
  constructor(
    private readonly staging: StagingFacade,
    @Inject(SCIM_SCHEMA_REGISTRY) private readonly registry: ScimSchemaRegistry,
  ) {}

  async execute(scope: StagingScope, body: unknown, baseUrl: string, p: Projection): Promise<ScimResult> {
    const input = normalizeGroupInput(body, this.registry);
    const rec = await this.staging.createGroup(scope, groupInput(input.resource, body), input.members);
    const members = await membersUnlessExcluded(this.staging, scope, rec.id, p);
    return {
      id: rec.id,
      version: rec.version,
      body: projectGroup(presentGroup(rec, baseUrl, members), p, this.registry),
    };
  }
}
