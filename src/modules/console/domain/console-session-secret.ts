import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: the cookie value. Only its SHA-256 is stored. */
export function newConsoleSessionSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashConsoleSessionSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
