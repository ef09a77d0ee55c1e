import { createPrivateKey, createPublicKey, hkdfSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './audit-chain';

/** PKCS#8 DER of an Ed25519 private key, before its 32-byte seed (RFC 8410 §7). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI DER of an Ed25519 public key, before its 32 bytes (RFC 8410 §4). */
export const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Tags the receipt's signed message, so a signature over anything else never passes for one. */
export const RECEIPT_FORMAT = 'roster.audit.head.v1';

/** The chain head a receipt vouches for. */
export interface AuditHead {
  readonly sequence: number;
  /** Hex. */
  readonly hash: string;
  /** When the receipt was issued, ISO-8601 UTC. */
  readonly at: string;
}

/** A head with its Ed25519 signature and the public key that checks it. */
export interface AuditReceipt extends AuditHead {
  readonly algorithm: 'Ed25519';
  /** base64url of the 64-byte signature over receiptMessage(head). */
  readonly signature: string;
  /** base64url of the raw 32-byte public key. */
  readonly publicKey: string;
}

/** The bytes a receipt signs: `["roster.audit.head.v1",sequence,"hash","at"]` (JSON, no spaces). */
export function receiptMessage(head: AuditHead): Buffer {
  return Buffer.from(canonicalJson([RECEIPT_FORMAT, head.sequence, head.hash, head.at]), 'utf8');
}

/**
 * The keys derived from AUDIT_CHAIN_KEY with HKDF-SHA256 (RFC 5869), one per purpose: the HMAC key
 * of the chain (secret), and an Ed25519 key pair for receipts — the same secret always gives the same
 * public key, so receipts stay checkable across restarts and replicas, and reviewers need only the
 * public key. Holds no copy of the secret itself.
 */
export class AuditChainKeys {
  private constructor(
    readonly hmacKey: Buffer,
    private readonly signingKey: KeyObject,
    private readonly verifyingKey: KeyObject,
    /** base64url of the raw 32-byte Ed25519 public key. */
    readonly publicKey: string,
  ) {}

  static fromSecret(secret: string): AuditChainKeys {
    const ikm = Buffer.from(secret, 'utf8');
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', ikm, 'roster.audit', info, 32));
    const signingKey = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, derive('roster.audit.receipt.ed25519')]),
      format: 'der',
      type: 'pkcs8',
    });
    const verifyingKey = createPublicKey(signingKey);
    const raw = verifyingKey.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX.length);
    return new AuditChainKeys(derive('roster.audit.chain.hmac'), signingKey, verifyingKey, raw.toString('base64url'));
  }

  receipt(head: AuditHead): AuditReceipt {
    const signature = sign(null, receiptMessage(head), this.signingKey).toString('base64url');
    return {
      sequence: head.sequence,
      hash: head.hash,
      at: head.at,
      algorithm: 'Ed25519',
      signature,
      publicKey: this.publicKey,
    };
  }

  /** Whether `signature` (base64url) is this key's signature of `head`. */
  verifyReceipt(head: AuditHead, signature: string): boolean {
    return verify(null, receiptMessage(head), this.verifyingKey, Buffer.from(signature, 'base64url'));
  }

  /** Never print key material (util.inspect, JSON.stringify, template strings). */
  toJSON(): string {
    return '[AuditChainKeys]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[AuditChainKeys]';
  }
}
