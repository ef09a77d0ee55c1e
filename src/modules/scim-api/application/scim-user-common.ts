import { SCIM_SCHEMA } from '../../../shared/scim/scim.constants';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import type { StagingFacade, StagingScope } from '../../staging/public';
import { projectResource } from '../domain/projection/scim-projection';
import { isPlainObject } from '../domain/resource/scim-json';
import { orderResource, type ScimResourceJson } from '../domain/resource/scim-resource.normalizer';
import type { Projection } from './scim-common';

export const ENTERPRISE = SCIM_SCHEMA.ENTERPRISE_USER;

export function projectUser(full: Record<string, unknown>, p: Projection, registry: ScimSchemaRegistry) {
  return projectResource(full, p, 'User', registry);
}

export function managerOf(resource: ScimResourceJson): unknown {
  const ext = resource[ENTERPRISE];
  return isPlainObject(ext) ? ext['manager'] : undefined;
}

/**
 * The enterprise `manager` must name a live user of this connection (issue #17: it could point at
 * another connection's user). An unknown id is treated like an unknown group member: the write
 * succeeds without it, and Staging audits and logs the ignored id.
 */
export async function scopeManager(
  staging: StagingFacade,
  registry: ScimSchemaRegistry,
  scope: StagingScope,
  resource: ScimResourceJson,
): Promise<{ resource: ScimResourceJson; ignoredManagerIds: string[] }> {
  const ext = resource[ENTERPRISE];
  const manager = isPlainObject(ext) ? ext['manager'] : undefined;
  const value = isPlainObject(manager) ? manager['value'] : undefined;
  if (!isPlainObject(ext) || typeof value !== 'string') return { resource, ignoredManagerIds: [] };
  const live = await staging.findLiveUserIds(scope, [value]);
  if (live.has(value.toLowerCase())) return { resource, ignoredManagerIds: [] };
  const { manager: _dropped, ...rest } = ext;
  const out: ScimResourceJson = { ...resource, [ENTERPRISE]: rest };
  return { resource: orderResource(out, 'User', registry), ignoredManagerIds: [value] };
}
