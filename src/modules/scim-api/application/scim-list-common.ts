import { parseAttributeList, parseAttrPath, parseFilter } from '../../../shared/scim/filter/scim-filter.parser';
import { ScimError } from '../../../shared/scim/scim-error';
import type { AttrPath, FilterNode, PatchPath } from '../../../shared/scim/scim-filter.ast';

export interface ScimListQuery {
  filter?: FilterNode;
  sortBy?: AttrPath;
  sortOrder: 'ascending' | 'descending';
  startIndex: number;
  count: number;
  attributes: PatchPath[];
  excludedAttributes: PatchPath[];
}

/** Default page size when a client sends no `count` (Okta pages by 100). */
export const DEFAULT_PAGE_SIZE = 100;

/** The parameters by lower-cased name (the first spelling wins, as a case-insensitive find would). */
function byLowerName(source: Record<string, unknown>): Map<string, unknown> {
  const params = new Map<string, unknown>();
  for (const key of Object.keys(source)) {
    const lower = key.toLowerCase();
    if (!params.has(lower)) params.set(lower, source[key]);
  }
  return params;
}

function asText(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) v = v[v.length - 1];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw ScimError.invalidValue(`"${name}" must be a string`);
}

function asInteger(v: unknown, name: string): number | undefined {
  const text = asText(v, name);
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || !Number.isInteger(n))
    throw ScimError.invalidValue(`"${name}" must be an integer, got "${text.slice(0, 40)}"`);
  return n;
}

function attributeList(v: unknown, name: string): PatchPath[] {
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.flatMap((x) => parseAttributeList(x));
  const text = asText(v, name);
  return text ? parseAttributeList(text) : [];
}

/**
 * Query parameters of a list (RFC 7644 §3.4.2) from a GET query string or a `.search` body
 * (§3.4.3). Parameter names are matched case-insensitively. `startIndex` < 1 means 1 and `count` < 0
 * means 0 (§3.4.2.4); `count` is capped at the advertised maxResults.
 */
export function parseListQuery(source: Record<string, unknown>, maxResults: number): ScimListQuery {
  const params = byLowerName(source);
  const filterText = asText(params.get('filter'), 'filter');
  const sortByText = asText(params.get('sortby'), 'sortBy');
  const sortOrderText = asText(params.get('sortorder'), 'sortOrder');
  let sortOrder: 'ascending' | 'descending' = 'ascending';
  if (sortOrderText !== undefined && sortOrderText !== '') {
    const lower = sortOrderText.toLowerCase();
    if (lower !== 'ascending' && lower !== 'descending')
      throw ScimError.invalidValue('"sortOrder" must be "ascending" or "descending"');
    sortOrder = lower;
  }
  // Past the last result the page is simply empty; the cap keeps OFFSET a valid bigint (`1e99` or
  // 99999999999999999999 made PostgreSQL fail → 500) and the echoed startIndex a plain JSON integer.
  const startIndex = Math.min(
    Number.MAX_SAFE_INTEGER,
    Math.max(1, asInteger(params.get('startindex'), 'startIndex') ?? 1),
  );
  const count = Math.min(
    maxResults,
    Math.max(0, asInteger(params.get('count'), 'count') ?? Math.min(DEFAULT_PAGE_SIZE, maxResults)),
  );
  return {
    ...(filterText !== undefined && filterText.trim() !== '' ? { filter: parseFilter(filterText) } : {}),
    ...(sortByText !== undefined && sortByText.trim() !== '' ? { sortBy: parseAttrPath(sortByText) } : {}),
    sortOrder,
    startIndex,
    count,
    attributes: attributeList(params.get('attributes'), 'attributes'),
    excludedAttributes: attributeList(params.get('excludedattributes'), 'excludedAttributes'),
  };
}

/** `attributes`/`excludedAttributes` of a single-resource request. */
export function parseProjection(source: Record<string, unknown>): {
  attributes: PatchPath[];
  excludedAttributes: PatchPath[];
} {
  const params = byLowerName(source);
  return {
    attributes: attributeList(params.get('attributes'), 'attributes'),
    excludedAttributes: attributeList(params.get('excludedattributes'), 'excludedAttributes'),
  };
}

/** True when the projection leaves `members` out (Entra: `excludedAttributes=members`). */
export function membersExcluded(p: { attributes: PatchPath[]; excludedAttributes: PatchPath[] }): boolean {
  const isMembers = (x: PatchPath) => x.path.attr.toLowerCase() === 'members' && !x.path.subAttr && !x.valueFilter;
  if (p.attributes.length > 0) return !p.attributes.some((x) => x.path.attr.toLowerCase() === 'members');
  return p.excludedAttributes.some(isMembers);
}
