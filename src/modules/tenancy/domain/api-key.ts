import { generateSecret, type GeneratedSecret } from './hashed-secret';

/** Marks a Roster API key so scanners (and people) recognise a leaked one. */
export const API_KEY_PREFIX = 'rak_';

export function generateApiKey(): GeneratedSecret {
  return generateSecret(API_KEY_PREFIX);
}

/** Worth a lookup: the shape generateApiKey makes (4 + 43 characters), nothing else. */
export function looksLikeApiKey(secret: string): boolean {
  return secret.length === 47 && secret.startsWith(API_KEY_PREFIX);
}
