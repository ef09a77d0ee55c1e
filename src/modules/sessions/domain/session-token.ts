import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Session secrets: `rss_` + 32 random bytes (256 bits); only their SHA-256 is stored. */
export function generateSessionToken(): { secret: string; hash: Buffer } {
  const secret = `rss_${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashSessionToken(secret) };
}

export function hashSessionToken(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** When a session stops being valid: the earlier of its idle and absolute expiry. */
export function expiryOf(s: { idleExpiresAt: Date; absoluteExpiresAt: Date }): Date {
  return s.idleExpiresAt < s.absoluteExpiresAt ? s.idleExpiresAt : s.absoluteExpiresAt;
}
