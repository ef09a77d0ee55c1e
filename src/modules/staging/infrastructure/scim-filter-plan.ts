import type { FilterNode } from '../../../shared/scim/scim-filter.ast';
import { isCorePath, type SqlFilterTarget } from './scim-filter-to-sql';

// Query planning from the filter's shape (which statement to run), apart from compiling it to SQL.

/**
 * True when `node` can match at most one live resource of the connection: an AND whose conjuncts
 * include `id eq "…"` (the primary key) or, for Users, `userName eq "…"` (unique per connection
 * among live users, case-insensitively — the partial unique index). The lookups IdPs make before
 * every create and update (Entra, Okta: `userName eq`) are of this kind, and need neither a sort
 * nor a window count: the page is the row, if any.
 */
export function matchesAtMostOne(node: FilterNode, target: SqlFilterTarget): boolean {
  if (node.kind === 'and') return matchesAtMostOne(node.left, target) || matchesAtMostOne(node.right, target);
  if (node.kind !== 'compare' || node.op !== 'eq' || typeof node.value !== 'string' || node.path.subAttr !== undefined)
    return false;
  if (!isCorePath(node.path, target)) return false;
  const attr = node.path.attr.toLowerCase();
  return attr === 'id' || (target.resourceType === 'User' && attr === 'username');
}

/**
 * The filter is exactly `userName eq "…"` (core User schema, string operand): the operand as the
 * compiled filter would compare it with `lower(user_name)` — lower-cased (RFC 7643 §4.1.1:
 * userName is caseExact false). Else undefined. Lets the lookup IdPs make before every create and
 * update share a statement with its concurrent peers.
 */
export function userNameEquality(node: FilterNode, target: SqlFilterTarget): string | undefined {
  if (target.resourceType !== 'User' || node.kind !== 'compare' || node.op !== 'eq' || typeof node.value !== 'string')
    return undefined;
  if (node.path.subAttr !== undefined || !isCorePath(node.path, target) || node.path.attr.toLowerCase() !== 'username')
    return undefined;
  // A NUL cannot be a PostgreSQL text value: the compiled path answers it 400 invalidFilter.
  if (node.value.includes('\u0000')) return undefined;
  return node.value.toLowerCase();
}
