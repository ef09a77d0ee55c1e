import type { AccessChange } from '../public/member-access.types';
import { ACCESS_ITEMS_MAX, cappedAccess } from './named-access';

const item = (i: number): AccessChange => ({
  change: 'given',
  internalGroupId: `g${i}`,
  internalGroupName: `Group ${i}`,
  permissions: [],
  sites: [],
  reason: 'sync_decision',
});

describe('cappedAccess', () => {
  it('keeps a short list whole, without a count', () => {
    expect(cappedAccess([item(1), item(2)])).toEqual({ access: [item(1), item(2)] });
  });

  it('names the first ACCESS_ITEMS_MAX changes and counts the rest', () => {
    const many = Array.from({ length: ACCESS_ITEMS_MAX + 12 }, (_, i) => item(i));
    const { access, accessOmitted } = cappedAccess(many);
    expect(access).toEqual(many.slice(0, ACCESS_ITEMS_MAX));
    expect(accessOmitted).toBe(12);
  });
});
