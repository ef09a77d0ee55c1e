import { createHash } from 'node:crypto';
import type { AuditRecord } from './audit-entry';

/** prev_hash of the very first entry (and the anchor before anything was pruned). */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** Versions the serialisation below; a new format would get a new tag, old entries keep theirs. */
export const CHAIN_FORMAT = 'roster.audit.v1';
/** v1 plus the API key that acted (keyId, keyName, scope): entries of admin actors that name their key. */
export const CHAIN_FORMAT_KEYED = 'roster.audit.v2';

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

/** The canonical serialisation of an entry's fields: a JSON array in a fixed order. */
export function canonicalEntry(r: AuditRecord): string {
  const key = r.actor.type === 'admin' && r.actor.keyId !== undefined ? r.actor : null;
  return canonicalJson([
    key ? CHAIN_FORMAT_KEYED : CHAIN_FORMAT,
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
    ...(key ? [key.keyId, key.keyName ?? '', key.scope ?? 'admin'] : []),
  ]);
}

/** hash = sha256(prev_hash || canonical serialisation of the entry). */
export function chainHash(prevHash: Buffer, r: AuditRecord): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalEntry(r), 'utf8').digest();
}

/** Why a stored entry does not continue the chain, or null when it does. */
export function chainBreak(
  expected: { seq: number; prevHash: Buffer },
  stored: { record: AuditRecord; prevHash: Buffer; hash: Buffer },
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
  if (!chainHash(stored.prevHash, record).equals(stored.hash)) {
    return "hash does not match the entry's content (the entry was altered)";
  }
  return null;
}
