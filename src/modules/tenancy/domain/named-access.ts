import type { AccessChange } from '../public/member-access.types';

/** Internal groups named per event at most (the audit entry stays bounded); the rest are counted. */
export const ACCESS_ITEMS_MAX = 50;

/** `access` for an event payload: the first ACCESS_ITEMS_MAX changes, and how many were left out. */
export function cappedAccess(items: readonly AccessChange[]): { access: AccessChange[]; accessOmitted?: number } {
  return items.length > ACCESS_ITEMS_MAX
    ? { access: items.slice(0, ACCESS_ITEMS_MAX), accessOmitted: items.length - ACCESS_ITEMS_MAX }
    : { access: [...items] };
}
