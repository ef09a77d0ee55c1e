import type { StageUserInput } from '../../staging/public';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function asString(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * The indexed columns Staging keeps beside a user's canonical resource. `primaryEmail` follows the
 * Sync rule: the work email, else the primary one, else the first, else a userName that is an email.
 */
export function userColumns(resource: Record<string, unknown>, rawPayload: unknown): StageUserInput {
  const emails = Array.isArray(resource.emails) ? (resource.emails as Array<Record<string, unknown>>) : [];
  const values = emails.filter((e) => typeof e?.value === 'string' && e.value !== '');
  const pick =
    values.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work') ??
    values.find((e) => e.primary === true) ??
    values[0];
  const userName = String(resource.userName);
  const primaryEmail = pick ? String(pick.value).toLowerCase() : EMAIL.test(userName) ? userName.toLowerCase() : null;
  return {
    userName,
    externalId: asString(resource.externalId),
    displayName: asString(resource.displayName),
    active: resource.active !== false,
    primaryEmail,
    resource,
    rawPayload,
  };
}
