import { createHash, createHmac } from 'node:crypto';
import type { AuditRecord } from './audit-entry';

/** prev_hash of the very first entry (and the anchor before anything was pruned). */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** Versions the serialisation below; a new format would get a new tag, old entries keep theirs. */
export const CHAIN_FORMAT = 'roster.audit.v1';
/** v1 plus the API key that acted (keyId, keyName, scope): entries of admin actors that name their key. */
export const CHAIN_FORMAT_KEYED = 'roster.audit.v2';
/**
 * Every entry written since: all fields (the API key and the subject included), and the hash is an
 * HMAC-SHA256 under a key kept outside the database (AUDIT_CHAIN_KEY), so whoever can rewrite the
 * table cannot re-hash it. Stored entries say which rule made them (`hash_version` 3; null: v1/v2).
 */
export const CHAIN_FORMAT_HMAC = 'roster.audit.v3';

/** The hash rule of a stored entry: `legacy` (v1/v2, SHA-256, before keys) or `hmac` (v3). */
export type ChainRule = 'legacy' | 'hmac';

/**
 * JSON with object keys sorted (by UTF-16 code units) at every depth and no whitespace, so the same
 * value always serialises to the same bytes — whatever order jsonb hands the keys back in.
 */
export function canonicalJson(value: unknown): string {
  // Loops rather than filter/sort/map/join chains: this runs for every audit entry of every SCIM
  // write. The bytes must never change (stored hashes depend on them): audit-chain.spec compares
  // it with the plain recursive definition on random values.
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += value[i] === undefined ? 'null' : canonicalJson(value[i]);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${canonicalJson(v)}`;
    first = false;
  }
  return out + '}';
}

/** The admin actor's API key, when the entry names one (v2 and v3 serialise it). */
const actorKey = (r: AuditRecord) => (r.actor.type === 'admin' && r.actor.keyId !== undefined ? r.actor : null);

/** The fields every rule serialises, in v1's order, after the rule's tag. */
function entryFields(r: AuditRecord): unknown[] {
  return [
    r.seq,
    r.id,
    r.occurredAt,
    r.tenantId,
    r.actor.type,
    r.actor.type === 'scim' ? r.actor.connectionId : null,
    r.actor.type === 'scim' ? r.actor.tokenId : null,
    r.action,
    r.target?.type ?? null,
    r.target?.id ?? null,
    r.targetLabel,
    r.summary,
    r.details,
    r.correlationId,
    r.sourceIp,
    r.eventId,
  ];
}

/** The canonical serialisation of an entry's fields (v1, or v2 with the key appended): a JSON array in a fixed order. */
export function canonicalEntry(r: AuditRecord): string {
  const key = actorKey(r);
  return canonicalJson([
    key ? CHAIN_FORMAT_KEYED : CHAIN_FORMAT,
    ...entryFields(r),
    ...(key ? [key.keyId, key.keyName ?? '', key.scope ?? 'admin'] : []),
  ]);
}

/** The v3 serialisation: v1's fields, then the API key (nulls without one) and the subject (nulls where unknown). */
export function canonicalEntryV3(r: AuditRecord): string {
  const key = actorKey(r);
  return canonicalJson([
    CHAIN_FORMAT_HMAC,
    ...entryFields(r),
    key ? key.keyId : null,
    key ? (key.keyName ?? '') : null,
    key ? (key.scope ?? 'admin') : null,
    r.subject?.userName ?? null,
    r.subject?.email ?? null,
    r.subject?.accountId ?? null,
  ]);
}

/** v1/v2: hash = sha256(prev_hash || canonical serialisation of the entry). Verifies entries written before v3. */
export function chainHash(prevHash: Buffer, r: AuditRecord): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalEntry(r), 'utf8').digest();
}

/** v3: hash = HMAC-SHA256(chain key, prev_hash || canonical v3 serialisation). */
export function keyedChainHash(hmacKey: Buffer, prevHash: Buffer, r: AuditRecord): Buffer {
  return createHmac('sha256', hmacKey).update(prevHash).update(canonicalEntryV3(r), 'utf8').digest();
}

/** Where a walk of the chain stands: the next sequence, the hash it must link to, and whether v3 has begun. */
export interface ChainPosition {
  readonly seq: number;
  readonly prevHash: Buffer;
  /** True once an HMAC entry was seen: an entry of the legacy rule after it is a forgery (a downgrade). */
  readonly keyed: boolean;
}

/** Why a stored entry does not continue the chain, or null when it does. */
export function chainBreak(
  expected: ChainPosition,
  stored: { record: AuditRecord; prevHash: Buffer; hash: Buffer; rule: ChainRule },
  hmacKey: Buffer,
): string | null {
  const { record } = stored;
  if (record.seq !== expected.seq) {
    return record.seq > expected.seq
      ? `entries ${expected.seq}..${record.seq - 1} are missing before this entry (sequence gap)`
      : `sequence ${record.seq} is out of order (expected ${expected.seq})`;
  }
  if (!stored.prevHash.equals(expected.prevHash)) {
    return 'prev_hash does not match the hash of the entry before it (an entry before it was altered, removed or re-inserted)';
  }
  if (stored.rule === 'legacy') {
    if (expected.keyed) {
      return 'entry uses the unkeyed hash rule after keyed (HMAC) entries began: it was rewritten without the chain key';
    }
    if (!chainHash(stored.prevHash, record).equals(stored.hash)) {
      return "hash does not match the entry's content (the entry was altered)";
    }
    return null;
  }
  if (!keyedChainHash(hmacKey, stored.prevHash, record).equals(stored.hash)) {
    return "HMAC does not match the entry's content under the chain key (the entry was altered, or re-hashed without the key)";
  }
  return null;
}
