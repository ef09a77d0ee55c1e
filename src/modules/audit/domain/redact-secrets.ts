/**
 * Defence in depth: event payloads are contracts that carry no secrets (the token events say so),
 * but the trail is kept for years and exported as files, so whatever an event might carry by
 * mistake is masked before it is written — values under secret-looking keys, and anything shaped
 * like a Roster SCIM token or API key (`rst_` / `rak_` + 43 base64url characters) wherever it appears.
 */
const SECRET_KEY =
  /^(secret|token|password|passwd|pwd|plaintext|credentials?|hash|bearer|authorization|apikey|api_key)$/i;
const SECRET_KEY_SUFFIX = /(Secret|Password|Token|Credentials?|ApiKey|_secret|_password|_token|_credentials?)$/;
// A hash of a secret is as good as the secret to an offline guesser; other hashes (an audit anchor) are not secrets.
const SECRET_HASH_KEY = /(token|password|secret|key)_?hash$/i;
const SCIM_TOKEN = /r(?:st|ak)_[A-Za-z0-9_-]{40,}/g;

export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) || SECRET_KEY_SUFFIX.test(key) || SECRET_HASH_KEY.test(key);
}

export function redactText(value: string): string {
  return value.replace(SCIM_TOKEN, REDACTED);
}

/** A copy of `value` with secrets masked. */
export function redactSecrets(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = isSecretKey(k) && v !== null && v !== undefined ? REDACTED : redactSecrets(v);
    return out;
  }
  return value;
}
