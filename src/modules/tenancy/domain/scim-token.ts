import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Marks a Roster SCIM secret so scanners (and people) recognise a leaked one. */
const TOKEN_PREFIX = 'rst_';
/** 32 random bytes = 256 bits of entropy. */
const SECRET_BYTES = 32;
/** Characters of the secret kept in clear to tell tokens apart in the admin UI. */
const DISPLAY_PREFIX_LENGTH = 8;

export interface GeneratedScimToken {
  readonly secret: string;
  readonly hash: Buffer;
  readonly prefix: string;
}

export function generateScimToken(): GeneratedScimToken {
  const secret = TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  return { secret, hash: hashScimToken(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + DISPLAY_PREFIX_LENGTH) };
}

/** SHA-256 of the secret — on every SCIM request, hence the one-shot `crypto.hash` (Node ≥ 20.12). */
export function hashScimToken(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** Constant-time comparison of two SHA-256 digests. */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** At most two live tokens per connection: one in use, one being rolled out. */
export const MAX_ACTIVE_TOKENS_PER_CONNECTION = 2;

const CONNECTION_ID = /^scim_conn_[a-z0-9]{24}$/;

export function newConnectionId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(24);
  let id = '';
  for (const b of bytes) id += alphabet[b % alphabet.length];
  return `scim_conn_${id}`;
}

export function isConnectionId(value: string): boolean {
  return CONNECTION_ID.test(value);
}
