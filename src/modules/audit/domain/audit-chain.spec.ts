import * as fc from 'fast-check';
import { createPublicKey, verify } from 'node:crypto';
import { inspect } from 'node:util';
import {
  canonicalEntry,
  canonicalEntryV3,
  canonicalJson,
  chainBreak,
  chainHash,
  GENESIS_HASH,
  keyedChainHash,
} from './audit-chain';
import { AuditChainKeys, ED25519_SPKI_PREFIX, receiptMessage } from './audit-chain-keys';
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

describe('v3: HMAC over every field', () => {
  const key = Buffer.alloc(32, 7);

  it('serialises every field in a fixed, tagged order, the API key and the subject included', () => {
    expect(
      canonicalEntryV3(
        record({
          actor: { type: 'admin', keyId: 'k-1', keyName: 'Ops', scope: 'tenant' },
          subject: { email: 'ada@acme.example', accountId: 'a-1' },
          details: {},
        }),
      ),
    ).toBe(
      '["roster.audit.v3",1,"6f1c1f7e-5d8e-4c52-9d0f-1b2f3a4b5c6d","2025-01-31T12:00:00.123Z","0b7e2c1a-1111-4222-8333-944455556666",' +
        '"admin",null,null,"scim_user.updated","scim_user","u-1","ext-1","SCIM user u-1 updated: displayName",{},"req-1","10.0.0.1",' +
        '"7a0a8b8c-2222-4333-8444-955566667777","k-1","Ops","tenant",null,"ada@acme.example","a-1"]',
    );
  });

  it('changes with the key, the previous hash and every field — the subject too', () => {
    const base = keyedChainHash(key, GENESIS_HASH, record());
    expect(keyedChainHash(Buffer.alloc(32, 8), GENESIS_HASH, record())).not.toEqual(base);
    expect(keyedChainHash(key, Buffer.alloc(32, 1), record())).not.toEqual(base);
    for (const subject of [{ userName: 'ada' }, { email: 'ada@x' }, { accountId: 'a' }]) {
      expect(keyedChainHash(key, GENESIS_HASH, record({ subject }))).not.toEqual(base);
    }
    // Not the unkeyed rule, not a plain SHA-256 of the v3 serialisation.
    expect(base).not.toEqual(chainHash(GENESIS_HASH, record()));
  });
});

describe('chainBreak', () => {
  const key = Buffer.alloc(32, 7);
  const start = { seq: 1, prevHash: GENESIS_HASH, keyed: false };
  const first = record();
  const firstHash = chainHash(GENESIS_HASH, first);
  const second = record({ seq: 2, id: 'second' });
  const secondHash = keyedChainHash(key, firstHash, second);
  const legacy1 = { record: first, prevHash: GENESIS_HASH, hash: firstHash, rule: 'legacy' as const };
  const keyed2 = { record: second, prevHash: firstHash, hash: secondHash, rule: 'hmac' as const };

  it('accepts intact links: a legacy (v1/v2) entry, then a keyed (v3) one', () => {
    expect(chainBreak(start, legacy1, key)).toBeNull();
    expect(chainBreak({ seq: 2, prevHash: firstHash, keyed: false }, keyed2, key)).toBeNull();
  });

  it('reports a sequence gap (an entry deleted before this one)', () => {
    expect(chainBreak(start, keyed2, key)).toMatch(/entries 1\.\.1 are missing/);
  });

  it('reports altered content, and a keyed entry re-hashed without the key', () => {
    const at2 = { seq: 2, prevHash: firstHash, keyed: true };
    expect(chainBreak(at2, { ...keyed2, record: { ...second, summary: 'nothing happened' } }, key)).toMatch(/altered/);
    const forged = { ...second, summary: 'forged' };
    expect(
      chainBreak(at2, { ...keyed2, record: forged, hash: keyedChainHash(Buffer.alloc(32), firstHash, forged) }, key),
    ).toMatch(/without the key/);
    expect(chainBreak(start, { ...legacy1, record: { ...first, summary: 'nothing happened' } }, key)).toMatch(
      /altered/,
    );
  });

  it('refuses an unkeyed entry after a keyed one, even with a correct SHA-256 (a downgrade)', () => {
    const third = record({ seq: 3, id: 'third', summary: 'forged' });
    const downgraded = {
      record: third,
      prevHash: secondHash,
      hash: chainHash(secondHash, third),
      rule: 'legacy' as const,
    };
    expect(chainBreak({ seq: 3, prevHash: secondHash, keyed: false }, downgraded, key)).toBeNull();
    expect(chainBreak({ seq: 3, prevHash: secondHash, keyed: true }, downgraded, key)).toMatch(/unkeyed/);
  });

  it('reports a broken link when the predecessor was replaced', () => {
    expect(chainBreak({ seq: 2, prevHash: Buffer.alloc(32, 9), keyed: false }, keyed2, key)).toMatch(/prev_hash/);
  });
});

describe('AuditChainKeys', () => {
  it('derives the same keys from the same secret, other keys from another, and signs receipts checkable with the public key alone', () => {
    const a = AuditChainKeys.fromSecret('a'.repeat(43));
    expect(AuditChainKeys.fromSecret('a'.repeat(43)).publicKey).toBe(a.publicKey);
    expect(AuditChainKeys.fromSecret('a'.repeat(43)).hmacKey).toEqual(a.hmacKey);
    const b = AuditChainKeys.fromSecret('b'.repeat(43));
    expect(b.publicKey).not.toBe(a.publicKey);
    expect(b.hmacKey).not.toEqual(a.hmacKey);
    // Neither derived key is the secret.
    expect(a.hmacKey.toString('utf8')).not.toContain('a'.repeat(32));

    const head = { sequence: 42, hash: 'ab'.repeat(32), at: '2026-12-03T04:00:00.000Z' };
    const receipt = a.receipt(head);
    expect(receipt).toEqual({ ...head, algorithm: 'Ed25519', signature: expect.any(String), publicKey: a.publicKey });
    // Offline: only the raw public key, wrapped as SPKI.
    const publicKey = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(a.publicKey, 'base64url')]),
      format: 'der',
      type: 'spki',
    });
    const message = Buffer.from(JSON.stringify(['roster.audit.head.v1', 42, head.hash, head.at]));
    expect(receiptMessage(head)).toEqual(message);
    expect(verify(null, message, publicKey, Buffer.from(receipt.signature, 'base64url'))).toBe(true);
    expect(a.verifyReceipt({ ...head, sequence: 43 }, receipt.signature)).toBe(false);
    expect(b.verifyReceipt(head, receipt.signature)).toBe(false);
    expect(JSON.stringify({ a })).toBe('{"a":"[AuditChainKeys]"}');
    expect(inspect(a)).toBe('[AuditChainKeys]');
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
