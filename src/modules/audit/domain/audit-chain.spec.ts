import * as fc from 'fast-check';
import { canonicalEntry, canonicalJson, chainBreak, chainHash, GENESIS_HASH } from './audit-chain';
import type { AuditRecord } from './audit-entry';
import { storable, storableJson } from './audit-entry';

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  seq: 1,
  id: '6f1c1f7e-5d8e-4c52-9d0f-1b2f3a4b5c6d',
  occurredAt: '2025-01-31T12:00:00.123Z',
  tenantId: '0b7e2c1a-1111-4222-8333-944455556666',
  actor: { type: 'scim', connectionId: 'scim_conn_abc', tokenId: 'tok-1' },
  action: 'scim_user.updated',
  target: { type: 'scim_user', id: 'u-1' },
  targetLabel: 'ext-1',
  subject: null,
  summary: 'SCIM user u-1 updated: displayName',
  details: { changedAttributes: ['displayName'], connectionId: 'scim_conn_abc' },
  correlationId: 'req-1',
  sourceIp: '10.0.0.1',
  eventId: '7a0a8b8c-2222-4333-8444-955566667777',
  ...over,
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('serialises equal values identically whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: [true, null, 's'] })).toBe(canonicalJson({ y: [true, null, 's'], x: 1 }));
  });

  /** The definition the stored hashes were computed with (the first implementation, kept verbatim). */
  function reference(value: unknown): string {
    if (value === null || value === undefined) return 'null';
    if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
    if (typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(obj[k])}`).join(',')}}`;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value);
  }

  it('produces the same bytes as the definition stored hashes were computed with, for any value', () => {
    const leaf = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node')),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('node')),
      ),
    })).node;
    fc.assert(
      fc.property(value, (v) => canonicalJson(v) === reference(v)),
      { numRuns: 2000 },
    );
  });
});

describe('chainHash', () => {
  it('is sha256 over prev_hash then the canonical entry, and changes with any field', () => {
    const base = chainHash(GENESIS_HASH, record());
    expect(base).toHaveLength(32);
    expect(chainHash(GENESIS_HASH, record())).toEqual(base);
    const variants: Partial<AuditRecord>[] = [
      { seq: 2 },
      { id: '6f1c1f7e-5d8e-4c52-9d0f-1b2f3a4b5c6e' },
      { occurredAt: '2025-01-31T12:00:00.124Z' },
      { tenantId: null },
      { actor: { type: 'admin' } },
      { actor: { type: 'scim', connectionId: 'scim_conn_abc', tokenId: 'tok-2' } },
      { action: 'scim_user.created' },
      { target: { type: 'scim_user', id: 'u-2' } },
      { target: null },
      { targetLabel: null },
      { summary: 'x' },
      { details: { changedAttributes: ['emails'], connectionId: 'scim_conn_abc' } },
      { correlationId: null },
      { sourceIp: '10.0.0.2' },
      { eventId: null },
    ];
    for (const v of variants) expect(chainHash(GENESIS_HASH, record(v))).not.toEqual(base);
    expect(chainHash(Buffer.alloc(32, 1), record())).not.toEqual(base);
  });

  it('does not depend on the key order of details (jsonb reorders keys)', () => {
    const a = chainHash(GENESIS_HASH, record({ details: { a: 1, b: { c: 2, d: 3 } } }));
    const b = chainHash(GENESIS_HASH, record({ details: { b: { d: 3, c: 2 }, a: 1 } }));
    expect(a).toEqual(b);
  });

  it('serialises the fields in a fixed, tagged order', () => {
    expect(canonicalEntry(record({ details: {} }))).toBe(
      '["roster.audit.v1",1,"6f1c1f7e-5d8e-4c52-9d0f-1b2f3a4b5c6d","2025-01-31T12:00:00.123Z","0b7e2c1a-1111-4222-8333-944455556666",' +
        '"scim","scim_conn_abc","tok-1","scim_user.updated","scim_user","u-1","ext-1","SCIM user u-1 updated: displayName",{},"req-1","10.0.0.1",' +
        '"7a0a8b8c-2222-4333-8444-955566667777"]',
    );
  });

  it('keeps v1 for an admin actor without a key (entries from before API keys), v2 with the key appended otherwise', () => {
    const plain = canonicalEntry(record({ actor: { type: 'admin' }, details: {} }));
    expect(plain.startsWith('["roster.audit.v1",1,')).toBe(true);
    expect(plain.endsWith('"7a0a8b8c-2222-4333-8444-955566667777"]')).toBe(true);
    const keyed = canonicalEntry(
      record({ actor: { type: 'admin', keyId: 'k-1', keyName: 'Ops', scope: 'tenant' }, details: {} }),
    );
    expect(keyed).toBe(`${plain.replace('roster.audit.v1', 'roster.audit.v2').slice(0, -1)},"k-1","Ops","tenant"]`);
    // The key is covered by the hash: renaming it breaks the entry.
    const hash = (keyName: string) =>
      chainHash(GENESIS_HASH, record({ actor: { type: 'admin', keyId: 'k-1', keyName, scope: 'tenant' } }));
    expect(hash('Ops')).not.toEqual(hash('Ops2'));
  });
});

describe('chainBreak', () => {
  const first = record();
  const firstHash = chainHash(GENESIS_HASH, first);
  const second = record({ seq: 2, id: 'second' });
  const secondHash = chainHash(firstHash, second);

  it('accepts an intact link', () => {
    expect(
      chainBreak({ seq: 1, prevHash: GENESIS_HASH }, { record: first, prevHash: GENESIS_HASH, hash: firstHash }),
    ).toBeNull();
    expect(
      chainBreak({ seq: 2, prevHash: firstHash }, { record: second, prevHash: firstHash, hash: secondHash }),
    ).toBeNull();
  });

  it('reports a sequence gap (an entry deleted before this one)', () => {
    expect(
      chainBreak({ seq: 1, prevHash: GENESIS_HASH }, { record: second, prevHash: firstHash, hash: secondHash }),
    ).toMatch(/entries 1\.\.1 are missing/);
  });

  it('reports altered content', () => {
    const altered = { ...second, summary: 'nothing happened' };
    expect(
      chainBreak({ seq: 2, prevHash: firstHash }, { record: altered, prevHash: firstHash, hash: secondHash }),
    ).toMatch(/altered/);
  });

  it('reports a broken link when the predecessor was replaced', () => {
    expect(
      chainBreak({ seq: 2, prevHash: Buffer.alloc(32, 9) }, { record: second, prevHash: firstHash, hash: secondHash }),
    ).toMatch(/prev_hash/);
  });
});

describe('storable', () => {
  it('replaces NUL and lone surrogates, keeps valid pairs', () => {
    expect(storable('a\u0000b')).toBe('a\uFFFDb');
    expect(storable('x\uD800y')).toBe('x\uFFFDy');
    expect(storable('x\uDC00y')).toBe('x\uFFFDy');
    expect(storable('😀')).toBe('😀');
    expect(storableJson({ 'k\u0000': ['\uD800'], n: Infinity, u: undefined })).toEqual({
      'k\uFFFD': ['\uFFFD'],
      n: null,
    });
  });
});
