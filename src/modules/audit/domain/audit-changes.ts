import { REDACTED, isSecretKey, redactSecrets } from './redact-secrets';

/**
 * How the trail records what changed — one rule for every module that publishes a change (SCIM
 * user/group updates, admin changes, member updates), applied BEFORE the event is written so no
 * secret or unbounded value ever reaches the outbox:
 * - a single value: `{attribute, old, new}` (an absent value is null);
 * - a multi-valued attribute (an array): the items added and removed, at most AUDIT_ITEMS_MAX each,
 *   with exact `addedCount`/`removedCount` — compared as a set, in time linear in its size;
 * - an attribute whose name looks secret (`password`, anything token-like: redact-secrets.ts) →
 *   "[redacted]", and token-shaped text anywhere is masked;
 * - a value whose text is longer than AUDIT_VALUE_MAX_CHARS characters is cut to that many and ends
 *   with `… (<length> characters)`;
 * - at most AUDIT_CHANGES_MAX attributes per entry; the rest are counted in `omitted`.
 */
export const AUDIT_VALUE_MAX_CHARS = 256;
export const AUDIT_ITEMS_MAX = 20;
export const AUDIT_CHANGES_MAX = 50;

export type AuditChange =
  | { readonly attribute: string; readonly old: unknown; readonly new: unknown }
  | {
      readonly attribute: string;
      readonly added: unknown[];
      readonly removed: unknown[];
      readonly addedCount: number;
      readonly removedCount: number;
    };

export interface AuditChanges {
  readonly changes: AuditChange[];
  /** Changed attributes beyond AUDIT_CHANGES_MAX (not listed). */
  readonly omitted: number;
}

/** Nested objects are compared attribute by attribute down to this depth; deeper ones as one value. */
const MAX_DEPTH = 3;

function cut(text: string): string {
  return text.length > AUDIT_VALUE_MAX_CHARS
    ? `${text.slice(0, AUDIT_VALUE_MAX_CHARS)}… (${text.length} characters)`
    : text;
}

/** A value as the trail keeps it: secrets masked, bounded in size. */
export function auditValue(attribute: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (isSecretKey(lastSegment(attribute))) return REDACTED;
  const masked = redactSecrets(value);
  if (typeof masked === 'string') return cut(masked);
  if (typeof masked !== 'object') return masked;
  const text = JSON.stringify(masked);
  return text.length > AUDIT_VALUE_MAX_CHARS ? cut(text) : masked;
}

/** The change of one attribute from `before` to `after`, or null when they are equal. */
export function auditChange(attribute: string, before: unknown, after: unknown): AuditChange | null {
  const listOrNone = (v: unknown) => v === undefined || v === null || Array.isArray(v);
  if ((Array.isArray(before) || Array.isArray(after)) && listOrNone(before) && listOrNone(after))
    return listChange(
      attribute,
      (before as unknown[] | null | undefined) ?? [],
      (after as unknown[] | null | undefined) ?? [],
    );
  if (stableJson(before ?? null) === stableJson(after ?? null)) return null;
  return { attribute, old: auditValue(attribute, before), new: auditValue(attribute, after) };
}

/** Changes of named attributes (an admin change: only the attributes it set). */
export function auditChanges(
  attributes: ReadonlyArray<readonly [attribute: string, before: unknown, after: unknown]>,
): AuditChange[] {
  return attributes.flatMap(([attribute, before, after]) => auditChange(attribute, before, after) ?? []);
}

/**
 * What differs between two JSON resources (a SCIM user or group as stored before and after a write),
 * attribute by attribute: complex attributes by sub-attribute (`name.givenName`, and for schema
 * extensions the SCIM path `urn:…:User:department`), multi-valued ones as added/removed items.
 */
export function diffForAudit(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  ignore: readonly string[] = [],
): AuditChanges {
  const left = new Map<string, unknown>();
  const right = new Map<string, unknown>();
  flatten(before, '', 0, left, ignore);
  flatten(after, '', 0, right, ignore);
  const changes: AuditChange[] = [];
  let omitted = 0;
  const paths = [...left.keys(), ...[...right.keys()].filter((k) => !left.has(k))];
  for (const path of paths) {
    const change = auditChange(path, left.get(path), right.get(path));
    if (!change) continue;
    if (changes.length < AUDIT_CHANGES_MAX) changes.push(change);
    else omitted++;
  }
  return { changes, omitted };
}

function listChange(attribute: string, before: readonly unknown[], after: readonly unknown[]): AuditChange | null {
  const had = new Map(before.map((v) => [stableJson(v), v]));
  const has = new Map(after.map((v) => [stableJson(v), v]));
  const added: unknown[] = [];
  const removed: unknown[] = [];
  let addedCount = 0;
  let removedCount = 0;
  for (const [key, v] of has) {
    if (had.has(key)) continue;
    if (addedCount++ < AUDIT_ITEMS_MAX) added.push(auditValue(attribute, v));
  }
  for (const [key, v] of had) {
    if (has.has(key)) continue;
    if (removedCount++ < AUDIT_ITEMS_MAX) removed.push(auditValue(attribute, v));
  }
  if (addedCount === 0 && removedCount === 0) return null;
  return { attribute, added, removed, addedCount, removedCount };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function flatten(
  value: Readonly<Record<string, unknown>>,
  prefix: string,
  depth: number,
  out: Map<string, unknown>,
  ignore: readonly string[],
): void {
  for (const [key, v] of Object.entries(value)) {
    if (depth === 0 && ignore.includes(key)) continue;
    // RFC 7644 §3.10: an extension's attributes are addressed as `<schema URN>:<attribute>`.
    const path = prefix === '' ? key : `${prefix}${prefix.startsWith('urn:') && depth === 1 ? ':' : '.'}${key}`;
    if (isPlainObject(v) && depth < MAX_DEPTH) flatten(v, path, depth + 1, out, ignore);
    else out.set(path, v);
  }
}

function lastSegment(path: string): string {
  const dot = Math.max(path.lastIndexOf('.'), path.lastIndexOf(':'));
  return dot < 0 ? path : path.slice(dot + 1);
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
