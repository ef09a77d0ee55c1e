import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import type { StagingFacade, StageGroupInput, StagingScope } from '../../staging/public';
import { projectResource } from '../domain/projection/scim-projection';
import { assertIndexable, type Projection } from './scim-common';
import { membersExcluded } from './scim-list-common';

export function groupInput(resource: Record<string, unknown>, rawPayload: unknown): StageGroupInput {
  const displayName = String(resource.displayName);
  const externalId = typeof resource.externalId === 'string' && resource.externalId !== '' ? resource.externalId : null;
  assertIndexable('displayName', displayName);
  assertIndexable('externalId', externalId);
  return { displayName, externalId, resource, rawPayload };
}

export function projectGroup(full: Record<string, unknown>, p: Projection, registry: ScimSchemaRegistry) {
  return projectResource(full, p, 'Group', registry);
}

/** The group's members, unless the projection leaves them out (then they are not read at all). */
export async function membersUnlessExcluded(staging: StagingFacade, scope: StagingScope, id: string, p: Projection) {
  if (membersExcluded(p)) return undefined;
  return (await staging.listMembers(scope, [id])).get(id);
}
