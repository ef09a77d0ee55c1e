import type { GroupMappingRule } from './scim-members.types';

/** How a SCIM group is named, as group mapping rules see it. */
export interface ScimGroupName {
  readonly displayName: string;
  readonly externalId: string | null;
}

/**
 * The one definition of "a SCIM group matches a mapping rule": by displayName, case-insensitively,
 * or by externalId, exactly. Sync grants with it and Tenancy's immediate revocation takes back
 * with it, so the two can never disagree about what a group gives.
 */
export class GroupMappingMatcher {
  private readonly byName = new Map<string, string[]>();
  private readonly byExternalId = new Map<string, string[]>();

  constructor(rules: readonly GroupMappingRule[]) {
    const push = (map: Map<string, string[]>, key: string, value: string) => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    for (const r of rules) {
      if (r.scimGroupDisplayName !== null) push(this.byName, r.scimGroupDisplayName.toLowerCase(), r.internalGroupId);
      if (r.scimGroupExternalId !== null) push(this.byExternalId, r.scimGroupExternalId, r.internalGroupId);
    }
  }

  /** Internal groups a SCIM group of this name maps to (unique, unordered). */
  match(group: ScimGroupName): string[] {
    const ids = new Set(this.byName.get(group.displayName.toLowerCase()) ?? []);
    if (group.externalId !== null) for (const id of this.byExternalId.get(group.externalId) ?? []) ids.add(id);
    return [...ids];
  }

  /** Internal groups any of these SCIM groups maps to. */
  matchAll(groups: readonly ScimGroupName[]): Set<string> {
    const out = new Set<string>();
    for (const g of groups) for (const id of this.match(g)) out.add(id);
    return out;
  }
}
