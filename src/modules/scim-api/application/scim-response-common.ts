import { SCIM_MESSAGE } from '../../../shared/scim/scim.constants';
import type { StagedGroupRecord, StagedMember, StagedUserRecord } from '../../staging/public';

/** RFC 7644 §3.14: a weak ETag of the row version. */
export const etagOf = (version: number) => `W/"${version}"`;

/** Parses `If-Match` / `If-None-Match`: `*` matches anything, else the listed versions. */
export function parseEtagList(header: string | undefined): { any: boolean; versions: number[] } | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return { any: true, versions: [] };
  const versions = [...header.matchAll(/(?:W\/)?"(\d+)"/g)].map((m) => Number(m[1]));
  return { any: false, versions };
}

function meta(
  resourceType: 'User' | 'Group',
  r: { id: string; createdAt: Date; updatedAt: Date; version: number },
  baseUrl: string,
) {
  return {
    resourceType,
    created: r.createdAt.toISOString(),
    lastModified: r.updatedAt.toISOString(),
    location: `${baseUrl}/${resourceType}s/${r.id}`,
    version: etagOf(r.version),
  };
}

/** The full SCIM User: `schemas`, `id`, the stored attributes, `groups` (read-only), `meta`. */
export function presentUser(r: StagedUserRecord, baseUrl: string): Record<string, unknown> {
  const { schemas, ...attributes } = r.resource;
  const out: Record<string, unknown> = { schemas, id: r.id, ...attributes };
  if (r.groups.length > 0) {
    out.groups = r.groups.map((g) => ({
      value: g.id,
      $ref: `${baseUrl}/Groups/${g.id}`,
      display: g.display,
      type: 'direct',
    }));
  }
  out.meta = meta('User', r, baseUrl);
  return out;
}

/** The full SCIM Group; `members` only when loaded (never for PATCH responses). */
export function presentGroup(
  r: StagedGroupRecord,
  baseUrl: string,
  members?: readonly StagedMember[],
): Record<string, unknown> {
  const { schemas, ...attributes } = r.resource;
  const out: Record<string, unknown> = { schemas, id: r.id, ...attributes };
  if (members && members.length > 0) {
    out.members = members.map((m) => ({
      value: m.value,
      $ref: `${baseUrl}/${m.type === 'Group' ? 'Groups' : 'Users'}/${m.value}`,
      ...(m.display ? { display: m.display } : {}),
      type: m.type ?? 'User',
    }));
  }
  out.meta = meta('Group', r, baseUrl);
  return out;
}

/** RFC 7644 §3.4.2: always integers and a `Resources` array, even when empty. */
export function listResponse(resources: unknown[], totalResults: number, startIndex: number) {
  return {
    schemas: [SCIM_MESSAGE.LIST_RESPONSE],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
