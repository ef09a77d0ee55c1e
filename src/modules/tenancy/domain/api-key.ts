import { hash, randomBytes } from 'node:crypto';

/** Marks a Roster API key so scanners (and people) recognise a leaked one. */
export const API_KEY_PREFIX = 'rak_';
/** 32 random bytes = 256 bits of entropy. */
const SECRET_BYTES = 32;
/** Characters of the secret kept in clear to tell keys apart in lists. */
const DISPLAY_PREFIX_LENGTH = 8;

export interface GeneratedApiKey {
  readonly secret: string;
  readonly hash: Buffer;
  readonly prefix: string;
}

export function generateApiKey(): GeneratedApiKey {
  const secret = API_KEY_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  return { secret, hash: hashApiKey(secret), prefix: secret.slice(0, API_KEY_PREFIX.length + DISPLAY_PREFIX_LENGTH) };
}

export function hashApiKey(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** Worth a lookup: the shape generateApiKey makes (4 + 43 characters), nothing else. */
export function looksLikeApiKey(secret: string): boolean {
  return secret.length === 47 && secret.startsWith(API_KEY_PREFIX);
}
