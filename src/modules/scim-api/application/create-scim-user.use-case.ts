import { Injectable } from '@nestjs/common';
import type { StagingScope } from '../../staging/public';
import { normalizeUserInput } from '../domain/resource/scim-resource.normalizer';
import { type Projection, type ScimResult, ScimResourceUseCase } from './scim-common';
import { presentUser } from './scim-response-common';
import { projectUser, scopeManager, userColumns } from './scim-user-common';

/** POST /Users (RFC 7644 §3.3). */
@Injectable()
export class CreateScimUserUseCase extends ScimResourceUseCase {
  async execute(scope: StagingScope, body: unknown, baseUrl: string, p: Projection): Promise<ScimResult> {
    const input = normalizeUserInput(body, this.registry);
    const scoped = await scopeManager(this.staging, this.registry, scope, input.resource);
    const rec = await this.staging.createUser(scope, {
      ...userColumns(scoped.resource, body),
      ignoredManagerIds: scoped.ignoredManagerIds,
    });
    return { id: rec.id, version: rec.version, body: projectUser(presentUser(rec, baseUrl), p, this.registry) };
  }
}
