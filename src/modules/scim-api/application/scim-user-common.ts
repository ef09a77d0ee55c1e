import { SCIM_SCHEMA } from '../../../shared/scim/scim.constants';
import type { ScimSchemaRegistry } from '../../../shared/scim/schemas/scim-schema.registry';
import type { StageUserInput, StagingFacade, StagingScope } from '../../staging/public';
import { projectResource } from '../domain/projection/scim-projection';
import { isPlainObject } from '../domain/resource/scim-json';
import { orderResource, type ScimResourceJson } from '../domain/resource/scim-resource.normalizer';
import { assertIndexable, type Projection } from './scim-common';

export const ENTERPRISE = SCIM_SCHEMA.ENTERPRISE_USER;

export function projectUser(full: Record<string, unknown>, p: Projection, registry: ScimSchemaRegistry) {
  return projectResource(full, p, 'User', registry);
}

export function managerOf(resource: ScimResourceJson): unknown {
  const ext = resource[ENTERPRISE];
  return isPlainObject(ext) ? ext['manager'] : undefined;
}

/**
 * The enterprise `manager` must name a live user of this connection (issue #17: it could point at
 * another connection's user). An unknown id is treated like an unknown group member: the write
 * succeeds without it, and Staging audits and logs the ignored id.
 */
export async function scopeManager(
  staging: StagingFacade,
  registry: ScimSchemaRegistry,
  scope: StagingScope,
  resource: ScimResourceJson,
): Promise<{ resource: ScimResourceJson; ignoredManagerIds: string[] }> {
  const ext = resource[ENTERPRISE];
  const manager = isPlainObject(ext) ? ext['manager'] : undefined;
  const value = isPlainObject(manager) ? manager['value'] : undefined;
  if (!isPlainObject(ext) || typeof value !== 'string') return { resource, ignoredManagerIds: [] };
  const live = await staging.findLiveUserIds(scope, [value]);
  if (live.has(value.toLowerCase())) return { resource, ignoredManagerIds: [] };
  const { manager: _dropped, ...rest } = ext;
  const out: ScimResourceJson = { ...resource, [ENTERPRISE]: rest };
  return { resource: orderResource(out, 'User', registry), ignoredManagerIds: [value] };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `password`, also URN-qualified (`urn:…:core:2.0:User:password`), in any case. */
const PASSWORD_NAME = /^(?:.*:)?password$/i;

/**
 * The request body as kept in `raw_payload`, minus passwords: Okta sends `password` on POST/PUT and
 * changes it by PATCH (path-less `{"password": …}` or `path: "password"`). RFC 7643 §4.1.1 makes it
 * writeOnly and "returned never", and Roster never stores one — not in the raw copy either.
 * Everything else is kept exactly as sent (nulls, client `meta`, flat URN keys).
 */
export function withoutPasswords(raw: unknown): unknown {
  // Nearly every body has no password: keep it as it is rather than rebuild it key by key.
  return mentionsPassword(raw) ? stripPasswords(raw) : raw;
}

function mentionsPassword(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some(mentionsPassword);
  for (const k in v) {
    if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
    const x = (v as Record<string, unknown>)[k];
    if (isPasswordName(k)) return true;
    if (typeof x === 'string' ? isPathKey(k) && isPasswordName(x) : mentionsPassword(x)) return true;
  }
  return false;
}

/** PASSWORD_NAME after trimming, refused cheaply first: nearly no key or value ends in "password". */
function isPasswordName(s: string): boolean {
  if (s.length < 8) return false;
  const last = s.charAt(s.length - 1);
  if (last !== 'd' && last !== 'D' && !/\s/.test(last)) return false;
  return PASSWORD_NAME.test(s.trim());
}

function isPathKey(k: string): boolean {
  return k.length >= 4 && k.trim().toLowerCase() === 'path';
}

function stripPasswords(raw: unknown): unknown {
  if (Array.isArray(raw)) return raw.map(stripPasswords);
  if (typeof raw !== 'object' || raw === null) return raw;
  const entries = Object.entries(raw as Record<string, unknown>);
  const pathKey = entries.find(([k]) => k.trim().toLowerCase() === 'path');
  const passwordOp = pathKey !== undefined && typeof pathKey[1] === 'string' && PASSWORD_NAME.test(pathKey[1].trim());
  // Null prototype: an own `__proto__` key (JSON.parse makes one) stays a plain key, as sent.
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of entries) {
    if (PASSWORD_NAME.test(k.trim())) continue;
    if (passwordOp && k.trim().toLowerCase() === 'value') continue;
    out[k] = stripPasswords(v);
  }
  return out;
}

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
  const externalId = asString(resource.externalId);
  assertIndexable('userName', userName);
  assertIndexable('externalId', externalId);
  const primaryEmail = pick ? String(pick.value).toLowerCase() : EMAIL.test(userName) ? userName.toLowerCase() : null;
  return {
    userName,
    externalId,
    displayName: asString(resource.displayName),
    active: resource.active !== false,
    primaryEmail,
    resource,
    rawPayload: withoutPasswords(rawPayload),
  };
}
