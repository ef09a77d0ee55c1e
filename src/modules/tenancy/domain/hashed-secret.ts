import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes = 256 bits of entropy. */
const SECRET_BYTES = 32;
/** Characters of the secret kept in clear to tell secrets apart in lists and the admin UI. */
const DISPLAY_PREFIX_LENGTH = 8;

/** A new secret: shown once (`secret`), stored as its SHA-256 (`hash`) and its first characters (`prefix`). */
export interface GeneratedSecret {
  readonly secret: string;
  readonly hash: Buffer;
  readonly prefix: string;
}

/** `marker` (which lets scanners, and people, recognise a leaked secret) + 32 random bytes in base64url. */
export function generateSecret(marker: string): GeneratedSecret {
  const secret = marker + randomBytes(SECRET_BYTES).toString('base64url');
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, marker.length + DISPLAY_PREFIX_LENGTH) };
}

/** SHA-256 of the secret — on every authenticated request, hence the one-shot `crypto.hash` (Node ≥ 20.12). */
export function hashSecret(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** Constant-time comparison of two SHA-256 digests. */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
