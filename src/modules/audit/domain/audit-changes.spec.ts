import {
  AUDIT_CHANGES_MAX,
  AUDIT_ITEMS_MAX,
  AUDIT_VALUE_MAX_CHARS,
  auditChange,
  auditChanges,
  auditValue,
  diffForAudit,
} from './audit-changes';
import { REDACTED } from './redact-secrets';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('diffForAudit', () => {
  it('records old and new values of single-valued attributes, sub-attributes and extension attributes', () => {
    const { changes, omitted } = diffForAudit(
      {
        userName: 'ada',
        title: 'Engineer',
        name: { givenName: 'Ada', familyName: 'L' },
        [ENTERPRISE]: { department: 'R&D' },
      },
      { userName: 'ada', title: 'Auditor', name: { givenName: 'Ada', familyName: 'Lovelace' }, nickName: 'al' },
    );
    expect(omitted).toBe(0);
    expect(changes).toEqual([
      { attribute: 'title', old: 'Engineer', new: 'Auditor' },
      { attribute: 'name.familyName', old: 'L', new: 'Lovelace' },
      { attribute: `${ENTERPRISE}:department`, old: 'R&D', new: null },
      { attribute: 'nickName', old: null, new: 'al' },
    ]);
  });

  it('compares multi-valued attributes as sets: added and removed items, whatever the order or key order', () => {
    const { changes } = diffForAudit(
      {
        emails: [
          { value: 'a@x', primary: true },
          { type: 'work', value: 'b@x' },
        ],
      },
      { emails: [{ value: 'b@x', type: 'work' }, { value: 'c@x' }] },
    );
    expect(changes).toEqual([
      {
        attribute: 'emails',
        added: [{ value: 'c@x' }],
        removed: [{ value: 'a@x', primary: true }],
        addedCount: 1,
        removedCount: 1,
      },
    ]);
    expect(
      diffForAudit({ roles: [{ value: 'a' }, { value: 'b' }] }, { roles: [{ value: 'b' }, { value: 'a' }] }).changes,
    ).toEqual([]);
  });

  it('caps the items listed of a large multi-valued change and keeps the exact counts', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ value: `u${i}@x` }));
    const { changes } = diffForAudit({ emails: [] }, { emails: many });
    const c = changes[0] as { added: unknown[]; addedCount: number; removedCount: number };
    expect(c.added).toHaveLength(AUDIT_ITEMS_MAX);
    expect(c.addedCount).toBe(10_000);
    expect(c.removedCount).toBe(0);
  });

  it('masks secret attributes and token-shaped text, old and new', () => {
    const token = `rst_${'A'.repeat(43)}`;
    const { changes } = diffForAudit(
      { password: 'old-secret', nickName: 'n', [ENTERPRISE]: { clientSecret: 'x' } },
      { password: 'new-secret', nickName: `see ${token}`, [ENTERPRISE]: { clientSecret: 'y' } },
    );
    expect(changes).toEqual([
      { attribute: 'password', old: REDACTED, new: REDACTED },
      { attribute: 'nickName', old: 'n', new: `see ${REDACTED}` },
      { attribute: `${ENTERPRISE}:clientSecret`, old: REDACTED, new: REDACTED },
    ]);
    expect(JSON.stringify(changes)).not.toContain('secret');
  });

  it('cuts long values and notes their length', () => {
    const long = 'x'.repeat(10_000);
    const { changes } = diffForAudit({ title: 'short' }, { title: long });
    expect(changes).toEqual([
      { attribute: 'title', old: 'short', new: `${'x'.repeat(AUDIT_VALUE_MAX_CHARS)}… (10000 characters)` },
    ]);
    const big = auditValue('nested', { a: 'y'.repeat(1000) }) as string;
    expect(typeof big).toBe('string');
    expect(big.endsWith('characters)')).toBe(true);
    expect(big.length).toBeLessThan(AUDIT_VALUE_MAX_CHARS + 30);
  });

  it('lists at most AUDIT_CHANGES_MAX attributes and counts the rest', () => {
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (let i = 0; i < AUDIT_CHANGES_MAX + 7; i++) after[`a${i}`] = i;
    const { changes, omitted } = diffForAudit(before, after);
    expect(changes).toHaveLength(AUDIT_CHANGES_MAX);
    expect(omitted).toBe(7);
  });

  it('leaves out ignored top-level attributes (a group diff leaves members to the membership event)', () => {
    expect(diffForAudit({ members: [{ value: '1' }] }, { members: [] }, ['members']).changes).toEqual([]);
  });
});

describe('auditChanges', () => {
  it('records only the named attributes that changed', () => {
    expect(
      auditChanges([
        ['name', 'Acme', 'Acme Corp'],
        ['ssoDomains', ['acme.example'], ['acme.example', 'acme.test']],
        ['unchanged', 'a', 'a'],
      ]),
    ).toEqual([
      { attribute: 'name', old: 'Acme', new: 'Acme Corp' },
      { attribute: 'ssoDomains', added: ['acme.test'], removed: [], addedCount: 1, removedCount: 0 },
    ]);
    expect(auditChange('token', 'a', 'b')).toEqual({ attribute: 'token', old: REDACTED, new: REDACTED });
  });
});
