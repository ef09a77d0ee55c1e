import { randomBytes } from 'node:crypto';
import { generateSecret, type GeneratedSecret } from './hashed-secret';

/** Marks a Roster SCIM secret so scanners (and people) recognise a leaked one. */
const TOKEN_PREFIX = 'rst_';

export function generateScimToken(): GeneratedSecret {
  return generateSecret(TOKEN_PREFIX);
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
