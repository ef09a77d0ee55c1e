import { Inject, Injectable } from '@nestjs/common';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import { StagingFacade, type StagingScope } from '../../staging/public';
import { normalizeUserInput } from '../domain/resource/scim-resource.normalizer';
import { changedKeys, expectedVersion, hasTopLevelKey, type Projection, type ScimResult } from './scim-common';
import { presentUser } from './scim-presenter';
import { SCIM_SCHEMA_REGISTRY } from './scim-registry.provider';
import { userColumns } from './scim-user.columns';
import { projectUser, scopeManager } from './scim-user-common';

/** PUT /Users/{id} (RFC 7644 §3.5.1). `active` left out keeps its value: Okta's AIW apps PUT profiles. */
@Injectable()
export class ReplaceScimUserUseCase {
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
    const input = normalizeUserInput(body, this.registry);
    const rec = await this.staging.modifyUser(
      scope,
      id,
      async (current) => {
        const sent = hasTopLevelKey(body, 'active') ? input.resource : { ...input.resource, active: current.active };
        const { resource, ignoredManagerIds } = await scopeManager(this.staging, this.registry, scope, sent);
        return {
          input: { ...userColumns(resource, body), ignoredManagerIds },
          changedAttributes: changedKeys(current.resource, resource),
        };
      },
      expectedVersion(ifMatch),
    );
    return { id: rec.id, version: rec.version, body: projectUser(presentUser(rec, baseUrl), p, this.registry) };
  }
}
