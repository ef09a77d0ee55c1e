import type { AttrPath } from '../../../../shared/scim/scim-filter.ast';
import { ScimError } from '../../../../shared/scim/scim-error';
import type { ResolvedAttr, ScimAttributeDef, ScimResourceTypeName } from '../../../../shared/scim/scim-schema.types';
import {
  DEFAULT_MAX_MULTI_VALUED,
  findAttribute,
  type ScimSchemaRegistry,
} from '../../../../shared/scim/schemas/scim-schema.registry';
import {
  assertMaxValues,
  clip,
  existingKey,
  getCaseInsensitive,
  isPlainObject,
  stripNulls,
  valueKey,
} from './scim-json';
import { KeyIndex } from './scim-key-index';

/**
 * POST/PUT body → canonical stored resource (the contract with the staging tables):
 * canonical attribute-name case, no nulls, booleans as JSON booleans, extension attributes nested
 * under their schema URN key, `schemas` = core + every extension present; no `id`, `meta`, and for
 * groups no `members` (returned separately — they live in their own table).
 *
 * Decisions where RFC 7643/7644 and idp-dialects.md are silent (one place, so they stay consistent
 * with the PATCH side, which reuses the value functions below):
 * - Unknown core attributes are dropped (idp-dialects rules: "unknown attributes ignored on POST/PUT").
 *   A top-level name that only a declared extension defines (`employeeNumber`) is routed to that
 *   extension — the same rule as an un-prefixed PATCH path (RFC 7644 §3.10 resolution order).
 * - readOnly attributes (`id`, `meta`, `groups`, `manager.displayName`) are ignored (RFC 7644 §3.3),
 *   `password` (writeOnly, returned never) is dropped and never reaches the caller.
 * - Reference sub-attributes that point at our own Users/Groups (`manager.$ref`, `members.$ref`) are
 *   derived from `value` by the service provider and not stored; Entra sends them as `null` or as its
 *   own guess of our URL.
 * - `schemas` is recomputed from the content. Entries not backed by content — Microsoft's
 *   `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group` (idp-dialects #12),
 *   or Entra's typo `…:enterprise:2.0User` — are accepted and not echoed. `schemas` itself is not
 *   required (lenient) but must be an array of strings when present.
 * - Empty arrays and empty complex values equal "unassigned" (RFC 7643 §2.5) and are not stored,
 *   except inside open extensions, which are stored losslessly (nulls still dropped).
 * - A string attribute given a number or boolean is stored as its JSON text (`12` → `"12"`): Entra
 *   maps numeric directory attributes to string targets, and MS-SCIM says store what was sent
 *   rather than reject. Objects/arrays for a string are rejected, except Microsoft's legacy
 *   `[{"$ref":null,"value":"x"}]` / `{"value":"x"}` wrapper, which is unwrapped.
 * - `type` must be unique only within emails, phoneNumbers, ims, photos and addresses (MS-SCIM "no two
 *   work emails"); NOT roles/entitlements, where Entra sends every role with type
 *   "WindowsAzureActiveDirectoryRole" (MS-ATTR).
 * - `primaryEmail` is the email marked primary, else the first one; lower-cased like `emails`.
 */

export type ScimResourceJson = Record<string, unknown>;

/** A group member as the staging member table stores it. */
export interface ScimGroupMember {
  readonly value: string;
  readonly type?: 'User' | 'Group';
  readonly display?: string;
}

export interface NormalizedUserInput {
  readonly resource: ScimResourceJson;
  readonly userName: string;
  readonly externalId?: string;
  readonly displayName?: string;
  readonly active: boolean;
  /** Every email value, lower-cased (for matching; the resource keeps the case sent). */
  readonly emails: string[];
  readonly primaryEmail?: string;
}

export interface NormalizedGroupInput {
  readonly resource: ScimResourceJson;
  readonly displayName: string;
  readonly externalId?: string;
  readonly members: ScimGroupMember[];
}

/** Top-level body keys that are never attributes to store (RFC 7643 §3: service-provider-owned). */
const IGNORED_BODY_KEYS: ReadonlySet<string> = new Set(['schemas', 'id', 'meta']);
/** Attributes whose values Entra may send as stringified JSON (MS-ATTR, idp-dialects #20). */
const STRINGIFIED_JSON_ATTRIBUTES: ReadonlySet<string> = new Set(['roles']);
/** Most attributes one POST/PUT body may set, extension attributes included (issue #17). */
export const MAX_RESOURCE_ATTRIBUTES = 1000;
const XSD_DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

export function normalizeUserInput(body: unknown, registry: ScimSchemaRegistry): NormalizedUserInput {
  const { resource } = buildResource(body, 'User', registry);
  const userName = resource['userName'];
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw ScimError.invalidValue("Attribute 'userName' is required and must be a non-empty string (RFC 7643 §4.1.1).");
  }
  // RFC 7643 §4.1.1 leaves the meaning of a missing `active` to the service provider: a created or
  // replaced user is active unless the client says otherwise (Entra and Okta always send it).
  if (resource['active'] === undefined) resource['active'] = true;
  const emails = (Array.isArray(resource['emails']) ? resource['emails'] : []) as ScimResourceJson[];
  const emailValues = emails.map((e) => e['value']).filter((v): v is string => typeof v === 'string');
  const primary = emails.find((e) => e['primary'] === true && typeof e['value'] === 'string');
  const primaryEmail = (primary?.['value'] as string | undefined) ?? emailValues[0];
  return {
    resource: orderResource(resource, 'User', registry),
    userName,
    ...(typeof resource['externalId'] === 'string' ? { externalId: resource['externalId'] } : {}),
    ...(typeof resource['displayName'] === 'string' ? { displayName: resource['displayName'] } : {}),
    active: resource['active'] as boolean,
    emails: emailValues.map((v) => v.toLowerCase()),
    ...(primaryEmail !== undefined ? { primaryEmail: primaryEmail.toLowerCase() } : {}),
  };
}

export function normalizeGroupInput(body: unknown, registry: ScimSchemaRegistry): NormalizedGroupInput {
  const { resource, rawMembers } = buildResource(body, 'Group', registry);
  const displayName = resource['displayName'];
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw ScimError.invalidValue("Attribute 'displayName' is required and must be a non-empty string (RFC 7643 §4.2).");
  }
  return {
    resource: orderResource(resource, 'Group', registry),
    displayName,
    ...(typeof resource['externalId'] === 'string' ? { externalId: resource['externalId'] } : {}),
    members: normalizeMemberList(rawMembers, 'members'),
  };
}

// ---------------------------------------------------------------------------------------------
// Body → resource
// ---------------------------------------------------------------------------------------------

/** How a body key (or a path-less PATCH value key) is to be read. */
export type ScimKeyClass =
  | { readonly kind: 'container'; readonly schemaId: string; readonly core: boolean }
  | { readonly kind: 'attribute'; readonly path: AttrPath };

/**
 * Classifies a JSON key of a resource body or of a path-less PATCH value:
 * - the core URN or a declared extension URN → container of that schema's attributes;
 * - a declared URN + ':' (or legacy '.') + name → that attribute (split at the declared URN, never on a
 *   '.' inside it — URNs contain `2.0`, idp-dialects rules);
 * - another `urn:` with an object value → undeclared (open) extension container;
 * - another `urn:` with a non-object value → flat `urn:…:attr`, split on the LAST ':' (nested on store);
 * - anything else → a core (or un-prefixed extension) name, `a.b` meaning sub-attribute `b` of `a`.
 * Returns undefined for keys that name another resource type's core schema.
 */
export function classifyKey(
  key: string,
  value: unknown,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): ScimKeyClass | undefined {
  const trimmed = key.trim();
  const { core } = registry.schemasFor(resourceType);
  const exact = registry.findSchema(resourceType, trimmed);
  if (exact) return { kind: 'container', schemaId: exact.id, core: exact === core };
  const lower = trimmed.toLowerCase();
  for (const { schema, idLower: id } of registry.declaredLongestFirst(resourceType)) {
    const sep = lower.charAt(id.length);
    if (lower.startsWith(id) && (sep === ':' || sep === '.') && trimmed.length > id.length + 1) {
      const rest = trimmed.slice(id.length + 1);
      const open = schema !== core && registry.isOpenExtension(resourceType, schema.id);
      const path = open ? { attr: rest } : splitDotted(rest);
      return { kind: 'attribute', path: schema === core ? path : { schema: schema.id, ...path } };
    }
  }
  if (registry.isExtensionUrn(trimmed)) {
    if (isPlainObject(value)) return { kind: 'container', schemaId: trimmed, core: false };
    const cut = trimmed.lastIndexOf(':');
    return { kind: 'attribute', path: { schema: trimmed.slice(0, cut), attr: trimmed.slice(cut + 1) } };
  }
  if (lower.startsWith('urn:')) return undefined;
  return { kind: 'attribute', path: splitDotted(trimmed) };
}

function splitDotted(name: string): AttrPath {
  const dot = name.indexOf('.');
  return dot < 0 ? { attr: name } : { attr: name.slice(0, dot), subAttr: name.slice(dot + 1) };
}

interface BuiltResource {
  readonly resource: ScimResourceJson;
  readonly rawMembers?: unknown;
}

function buildResource(body: unknown, resourceType: ScimResourceTypeName, registry: ScimSchemaRegistry): BuiltResource {
  if (!isPlainObject(body)) {
    throw ScimError.invalidSyntax(`The request body must be a JSON object holding a SCIM ${resourceType} resource.`);
  }
  const schemas = getCaseInsensitive(body, 'schemas');
  if (
    schemas !== undefined &&
    schemas !== null &&
    (!Array.isArray(schemas) || schemas.some((s) => typeof s !== 'string'))
  ) {
    throw ScimError.invalidSyntax("'schemas' must be an array of schema URI strings (RFC 7643 §3).");
  }
  const resource: ScimResourceJson = {};
  const keys = new KeyIndex();
  let rawMembers: unknown;
  let attributes = 0;
  const count = () => {
    if (++attributes > MAX_RESOURCE_ATTRIBUTES) {
      throw ScimError.invalidValue(
        `The ${resourceType} has more than ${MAX_RESOURCE_ATTRIBUTES} attributes (extension attributes included); at most ${MAX_RESOURCE_ATTRIBUTES} are accepted.`,
      );
    }
  };
  for (const [key, raw] of Object.entries(body)) {
    if (raw === null || raw === undefined) continue; // idp-dialects #11: explicit null = absent
    const lower = key.trim().toLowerCase();
    if (IGNORED_BODY_KEYS.has(lower)) continue;
    if (resourceType === 'Group' && lower === 'members') {
      rawMembers = raw;
      continue;
    }
    const cls = classifyKey(key, raw, resourceType, registry);
    if (!cls) {
      throw ScimError.invalidValue(
        `'${clip(key)}' names another resource type's schema, not an attribute of a ${resourceType}.`,
      );
    }
    if (cls.kind === 'attribute') {
      count();
      assignAttribute(resource, cls.path, raw, key, resourceType, registry, keys);
      continue;
    }
    if (!isPlainObject(raw)) {
      throw ScimError.invalidValue(
        `'${clip(key)}' must be an object holding the attributes of that schema (RFC 7643 §3.3).`,
      );
    }
    const schema = cls.core ? undefined : registry.findSchema(resourceType, cls.schemaId);
    const open = !cls.core && registry.isOpenExtension(resourceType, cls.schemaId);
    for (const [innerKey, innerRaw] of Object.entries(raw)) {
      if (innerRaw === null || innerRaw === undefined) continue;
      if (cls.core && IGNORED_BODY_KEYS.has(innerKey.trim().toLowerCase())) continue;
      let inner = open ? { attr: innerKey } : splitDotted(innerKey.trim());
      // An attribute a declared extension does not declare is kept under its name as sent.
      if (schema && inner.subAttr !== undefined && !findAttribute(schema.attributes, inner.attr))
        inner = { attr: innerKey };
      const path: AttrPath = cls.core ? inner : { schema: cls.schemaId, ...inner };
      count();
      assignAttribute(resource, path, innerRaw, `${cls.schemaId}:${innerKey}`, resourceType, registry, keys);
    }
  }
  return { resource, rawMembers };
}

function assignAttribute(
  resource: ScimResourceJson,
  path: AttrPath,
  raw: unknown,
  where: string,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
  keys: KeyIndex,
): void {
  const resolved = registry.resolveForWrite(resourceType, path);
  if (path.attr === '__proto__' || path.subAttr === '__proto__') {
    throw ScimError.invalidValue(`'${clip(where)}': "__proto__" cannot be an attribute name.`);
  }
  if (!resolved) {
    // A declared attribute with a sub-attribute it does not have (`name.nickname`, `emails.value`).
    throw ScimError.invalidValue(
      `'${clip(where)}' is not an attribute of a ${resourceType}: '${clip(path.attr, 40)}' has no sub-attribute '${clip(path.subAttr ?? '', 40)}'.`,
    );
  }
  if (!isInputAttribute(resolved)) return;
  const open =
    resolved.open === true || (resolved.extension && registry.isOpenExtension(resourceType, resolved.schemaId));
  const container = resolved.extension ? keys.container(resource, resolved.schemaId) : resource;
  const key = keys.find(container, resolved.def.name) ?? resolved.def.name;
  if (open) {
    // Shared with the request body when there is nothing to strip: never mutated below (the parent of
    // a sub-attribute is copied before it is written to).
    const value = stripNulls(raw, registry.maxMultiValued, where, true);
    if (value === undefined) return;
    if (resolved.sub) {
      const parent = isPlainObject(container[key]) ? { ...(container[key] as ScimResourceJson) } : {};
      keys.set(parent, keys.find(parent, resolved.sub.name) ?? resolved.sub.name, value);
      keys.set(container, key, parent);
    } else {
      keys.set(container, key, value);
    }
    return;
  }
  if (resolved.sub) {
    if (resolved.def.multiValued) {
      throw ScimError.invalidValue(
        `'${clip(where)}' names a sub-attribute of the multi-valued '${resolved.def.name}'; send '${resolved.def.name}' as a list of values.`,
      );
    }
    const value = normalizeSingleValue(resolved.sub, raw, where);
    if (value === undefined) return;
    const parent = isPlainObject(container[key]) ? (container[key] as ScimResourceJson) : {};
    parent[resolved.sub.name] = value;
    keys.set(container, key, parent);
    return;
  }
  const value = normalizeAttributeValue(resolved.def, raw, where, registry.maxMultiValued);
  if (value === undefined) return;
  const existing = container[key];
  // `name` and `name.givenName` in one body: merge rather than let key order decide.
  keys.set(container, key, isPlainObject(existing) && isPlainObject(value) ? { ...existing, ...value } : value);
}

/** readOnly attributes are ignored on input (RFC 7644 §3.3); writeOnly ones (password) never stored. */
function isInputAttribute(resolved: ResolvedAttr): boolean {
  const writable = (d: ScimAttributeDef) => d.mutability !== 'readOnly' && d.mutability !== 'writeOnly';
  return writable(resolved.def) && (!resolved.sub || writable(resolved.sub));
}

/** The object under an extension URN key (matched case-insensitively), created on demand. */
export function extensionContainer(resource: ScimResourceJson, schemaId: string, create: true): ScimResourceJson;
export function extensionContainer(
  resource: ScimResourceJson,
  schemaId: string,
  create: boolean,
): ScimResourceJson | undefined;
export function extensionContainer(
  resource: ScimResourceJson,
  schemaId: string,
  create: boolean,
): ScimResourceJson | undefined {
  const key = existingKey(resource, schemaId);
  if (key !== undefined && isPlainObject(resource[key])) return resource[key];
  if (!create) return undefined;
  const container: ScimResourceJson = {};
  resource[key ?? schemaId] = container;
  return container;
}

/**
 * Canonical key order and `schemas`: `schemas` first, core attributes in schema order, then declared
 * extensions in registry order, then open extensions in the order they appeared. Empty extension
 * objects are dropped. Exported for the PATCH applier, which re-runs it after every patch.
 */
export function orderResource(
  resource: ScimResourceJson,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): ScimResourceJson {
  const { core, extensions } = registry.schemasFor(resourceType);
  const out: ScimResourceJson = {};
  const schemaIds: string[] = [core.id];
  const rest: ScimResourceJson = {};
  const used = new Set<string>(['schemas']);
  // existingKey for every attribute of the schema, without a scan of the keys per attribute.
  const keysLower = new Map<string, string>();
  for (const k of Object.keys(resource)) if (!keysLower.has(k.toLowerCase())) keysLower.set(k.toLowerCase(), k);
  const keyOf = (name: string) =>
    Object.prototype.hasOwnProperty.call(resource, name) ? name : keysLower.get(name.toLowerCase());
  for (const def of core.attributes) {
    const key = keyOf(def.name);
    if (key !== undefined && resource[key] !== undefined) {
      rest[def.name] = resource[key];
      used.add(key);
    }
  }
  const extensionOut: ScimResourceJson = {};
  const addExtension = (key: string, id: string, value: unknown, attrs?: readonly ScimAttributeDef[]) => {
    used.add(key);
    if (!isPlainObject(value) || Object.keys(value).length === 0) return;
    let ordered: ScimResourceJson = value;
    if (attrs && attrs.length > 0) {
      ordered = {};
      const lowerKeys = new Map<string, string>();
      for (const k of Object.keys(value)) if (!lowerKeys.has(k.toLowerCase())) lowerKeys.set(k.toLowerCase(), k);
      const taken = new Set<string>();
      for (const def of attrs) {
        const k = Object.prototype.hasOwnProperty.call(value, def.name)
          ? def.name
          : lowerKeys.get(def.name.toLowerCase());
        if (k !== undefined) {
          ordered[def.name] = value[k];
          taken.add(def.name.toLowerCase());
        }
      }
      for (const [k, v] of Object.entries(value)) if (!taken.has(k.toLowerCase())) ordered[k] = v;
    }
    extensionOut[id] = ordered;
    schemaIds.push(id);
  };
  for (const ext of extensions) {
    const key = keyOf(ext.id);
    if (key !== undefined) addExtension(key, ext.id, resource[key], ext.attributes);
  }
  for (const [key, value] of Object.entries(resource)) {
    if (used.has(key)) continue;
    if (registry.isExtensionUrn(key)) {
      addExtension(key, key, value);
    } else if (value !== undefined) {
      rest[key] = value; // not a schema attribute (e.g. `members` handed back by the caller): keep
    }
  }
  out['schemas'] = schemaIds;
  return Object.assign(out, rest, extensionOut);
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/**
 * Normalises the value of a whole attribute against its definition. Returns `undefined` for
 * "unassigned" (null, empty array, empty complex). Throws ScimError invalidValue with the attribute
 * path in the detail. Idempotent: normalising a normalised value returns an equal value.
 */
export function normalizeAttributeValue(
  def: ScimAttributeDef,
  raw: unknown,
  where: string,
  maxValues = DEFAULT_MAX_MULTI_VALUED,
): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (!def.multiValued) return normalizeSingleValue(def, raw, where);
  // Lenient: a single value where an array belongs is wrapped (Okta FAQ: "must be arrays").
  const items = Array.isArray(raw) ? raw : [raw];
  assertMaxValues(items.length, maxValues, where);
  const out: unknown[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const value = normalizeSingleValue(def, item, `${where}[${i}]`, true);
    if (value === undefined) return;
    // Equal values (sameValue, caseExact-aware) collapse to the first — by key, not by a scan of `out`.
    const key = valueKey(value, def);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(value);
  });
  if (out.length === 0) return undefined;
  validateMultiValued(def, out, where);
  return out;
}

/**
 * Normalises one value of `def` (one element when `def` is multi-valued, or a sub-attribute value).
 * `asElement` means the caller already unwrapped the array of a multi-valued attribute.
 */
export function normalizeSingleValue(def: ScimAttributeDef, raw: unknown, where: string, asElement = false): unknown {
  if (raw === null || raw === undefined) return undefined;
  switch (def.type) {
    case 'complex':
      return normalizeComplex(def, raw, where, asElement);
    case 'boolean':
      return normalizeBoolean(raw, where);
    case 'integer':
    case 'decimal':
      return normalizeNumber(def, raw, where);
    case 'dateTime':
      return normalizeDateTime(unwrapLegacyValue(raw, asElement), where);
    default:
      return normalizeString(def, unwrapLegacyValue(raw, asElement), where);
  }
}

function normalizeComplex(def: ScimAttributeDef, raw: unknown, where: string, asElement: boolean): unknown {
  let value = raw;
  if (Array.isArray(value)) {
    // Microsoft's own example sends `manager` as `[{"$ref":…,"value":…}]` (idp-dialects #19).
    if (asElement) throw ScimError.invalidValue(`Attribute '${clip(where)}' must be an object, not a nested array.`);
    if (value.length === 0) return undefined;
    if (value.length > 1)
      throw ScimError.invalidValue(`Attribute '${clip(where)}' is single-valued but ${value.length} values were sent.`);
    value = value[0];
    if (value === null || value === undefined) return undefined;
  }
  const subs = def.subAttributes ?? [];
  const valueSub = findAttribute(subs, 'value');
  if (typeof value === 'string' && STRINGIFIED_JSON_ATTRIBUTES.has(def.name.toLowerCase())) {
    value = parseJsonObject(value) ?? value;
  }
  if ((typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') && valueSub) {
    // Bare string where a complex with `value` belongs: Entra's `manager` (idp-dialects #19), a bare
    // member id (idp-dialects rules), `emails: ["a@b"]`.
    value = { [valueSub.name]: value };
  }
  if (!isPlainObject(value)) {
    throw ScimError.invalidValue(
      `Attribute '${clip(where)}' must be a complex value (JSON object) with sub-attributes ${subs.map((s) => s.name).join(', ')}.`,
    );
  }
  if (STRINGIFIED_JSON_ATTRIBUTES.has(def.name.toLowerCase())) value = expandStringifiedValue(value);
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const aliased: Array<[ScimAttributeDef, unknown, string]> = [];
  for (const [key, subRaw] of Object.entries(obj)) {
    if (subRaw === null || subRaw === undefined) continue;
    const sub = findAttribute(subs, key.trim());
    if (!sub) {
      // Entra's AppRoleAssignmentsComplex sends `displayName` for the RFC's `display` (MS-ATTR).
      const display = key.trim().toLowerCase() === 'displayname' ? findAttribute(subs, 'display') : undefined;
      if (display) {
        aliased.push([display, subRaw, key]);
      } else {
        // A sub-attribute the schema does not declare is kept as sent (never a silent drop, issue #16).
        if (key === '__proto__')
          throw ScimError.invalidValue(`'${clip(where)}': "__proto__" cannot be an attribute name.`);
        const kept = stripNulls(subRaw);
        if (kept !== undefined) out[key] = kept;
      }
      continue;
    }
    if (!isStoredSubAttribute(sub)) continue;
    const v = normalizeSingleValue(sub, subRaw, `${where}.${sub.name}`);
    if (v !== undefined) out[sub.name] = v;
  }
  for (const [sub, subRaw, key] of aliased) {
    if (out[sub.name] !== undefined || !isStoredSubAttribute(sub)) continue;
    const v = normalizeSingleValue(sub, subRaw, `${where}.${key}`);
    if (v !== undefined) out[sub.name] = v;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** readOnly sub-attributes are ignored on input; references to our own resources are derived. */
function isStoredSubAttribute(sub: ScimAttributeDef): boolean {
  if (sub.mutability === 'readOnly' || sub.mutability === 'writeOnly') return false;
  if (sub.type === 'reference' && (sub.referenceTypes ?? []).some((t) => t === 'User' || t === 'Group')) return false;
  return true;
}

/**
 * idp-dialects #20: Entra's role PATCH carries `{"value":"{\"id\":…,\"value\":\"25\",\"displayName\":\"Admin\"}"}`.
 * The embedded object replaces the wrapper's `value`; its `displayName` becomes `display` (alias
 * above); its `id` (Entra's app-role id, no RFC 7643 roles sub-attribute) is kept as sent.
 */
function expandStringifiedValue(obj: Record<string, unknown>): Record<string, unknown> {
  const valueKey = Object.keys(obj).find((k) => k.trim().toLowerCase() === 'value');
  const inner =
    valueKey !== undefined && typeof obj[valueKey] === 'string' ? parseJsonObject(obj[valueKey]) : undefined;
  if (!inner) return obj;
  const rest = { ...obj };
  delete rest[valueKey as string];
  return { ...rest, ...inner };
}

function parseJsonObject(s: string): Record<string, unknown> | undefined {
  const t = s.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  try {
    const parsed: unknown = JSON.parse(t);
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** idp-dialects #15: Entra sends "True"/"False" (and "false") strings for booleans. */
export function normalizeBoolean(raw: unknown, where: string): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const t = raw.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  throw ScimError.invalidValue(`Attribute '${clip(where)}' must be a boolean (true or false), got ${describe(raw)}.`);
}

function normalizeNumber(def: ScimAttributeDef, raw: unknown, where: string): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(n) || (def.type === 'integer' && !Number.isInteger(n))) {
    throw ScimError.invalidValue(
      `Attribute '${clip(where)}' must be ${def.type === 'integer' ? 'an integer' : 'a number'}, got ${describe(raw)}.`,
    );
  }
  return n;
}

/** RFC 7643 §2.3.5: xsd:dateTime. Stored as sent (Entra's 7 fractional digits included). */
function normalizeDateTime(raw: unknown, where: string): string {
  if (typeof raw === 'string') {
    const m = XSD_DATE_TIME.exec(raw.trim());
    if (m && validDateParts(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])))
      return raw.trim();
  }
  throw ScimError.invalidValue(
    `Attribute '${clip(where)}' must be an xsd:dateTime such as 2008-01-23T04:56:22Z (RFC 7643 §2.3.5), got ${describe(raw)}.`,
  );
}

function validDateParts(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

function normalizeString(def: ScimAttributeDef, raw: unknown, where: string): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  throw ScimError.invalidValue(
    `Attribute '${clip(where)}' must be a ${def.type === 'string' ? 'string' : def.type}, got ${describe(raw)}.`,
  );
}

/** Microsoft's legacy wrapper for simple values: `[{"$ref":null,"value":"x"}]` or `{"value":"x"}`. */
function unwrapLegacyValue(raw: unknown, asElement: boolean): unknown {
  let value = raw;
  if (!asElement && Array.isArray(value) && value.length === 1) value = value[0];
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const valueKey = keys.find((k) => k.trim().toLowerCase() === 'value');
    if (
      valueKey !== undefined &&
      keys.every((k) => k === valueKey || k.trim().toLowerCase() === '$ref' || k.trim().toLowerCase() === 'display')
    ) {
      return value[valueKey];
    }
  }
  return value;
}

/**
 * RFC 7643 §2.4 "primary … no more than once". Repeated `type` values are allowed: RFC 7643 does not
 * forbid them and Microsoft's reference tests POST two `work` emails expecting 201 (idp-dialects #21).
 */
export function validateMultiValued(def: ScimAttributeDef, values: readonly unknown[], where: string): void {
  if (def.type !== 'complex') return;
  let primaries = 0;
  for (const v of values) if (isPlainObject(v) && v['primary'] === true) primaries++;
  if (primaries > 1) {
    throw ScimError.invalidValue(
      `Attribute '${clip(where)}': at most one value may have "primary": true (RFC 7643 §2.4).`,
    );
  }
}

/**
 * Group members from a POST/PUT body or a PATCH value: an array (or single value) of
 * `{value, type?, display?}` or bare id strings. `$ref` is ignored (Entra sends `"$ref": null`,
 * idp-dialects #24). Duplicates (same value) collapse to the first.
 */
export function normalizeMemberList(raw: unknown, where: string): ScimGroupMember[] {
  if (raw === null || raw === undefined) return [];
  const items = Array.isArray(raw) ? raw : [raw];
  const out: ScimGroupMember[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (item === null || item === undefined) continue;
    const member = normalizeMember(item, where, i);
    if (seen.has(member.value)) continue;
    seen.add(member.value);
    out.push(member);
  }
  return out;
}

/**
 * `value`, `type` and `display` of a member object, each as getCaseInsensitive reads it (an exact key
 * wins, else the first key equal ignoring case), in one pass over its keys without allocating.
 */
function memberFields(obj: Record<string, unknown>): { value: unknown; type: unknown; display: unknown } {
  let value: unknown, type: unknown, display: unknown;
  // Per field: seen at all, seen under its exact name (which wins over a key equal ignoring case).
  let vSeen = false;
  let tSeen = false;
  let dSeen = false;
  let vExact = false;
  let tExact = false;
  let dExact = false;
  for (const k in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, k)) continue;
    const exact = k === 'value' || k === 'type' || k === 'display';
    const name = exact ? k : k.toLowerCase();
    if (name === 'value' ? (exact ? !vExact : !vSeen) : false) {
      value = obj[k];
      vSeen = true;
      vExact ||= exact;
    } else if (name === 'type' ? (exact ? !tExact : !tSeen) : false) {
      type = obj[k];
      tSeen = true;
      tExact ||= exact;
    } else if (name === 'display' ? (exact ? !dExact : !dSeen) : false) {
      display = obj[k];
      dSeen = true;
      dExact ||= exact;
    }
  }
  return { value, type, display };
}

/** `where[i]` is built only for an error message: a group PATCH may carry 40,000 members. */
function normalizeMember(item: unknown, where: string, i: number): ScimGroupMember {
  const at = () => clip(`${where}[${i}]`);
  const obj = typeof item === 'string' || typeof item === 'number' ? { value: item } : item;
  if (!isPlainObject(obj))
    throw ScimError.invalidValue(`Member '${at()}' must be an object with a 'value' (the member id).`);
  const { value: rawValue, type: rawType, display: rawDisplay } = memberFields(obj);
  const value = typeof rawValue === 'number' && Number.isFinite(rawValue) ? String(rawValue) : rawValue;
  if (typeof value !== 'string' || value.trim() === '') {
    throw ScimError.invalidValue(`Member '${at()}' must carry a non-empty string 'value' (the member id).`);
  }
  let type: 'User' | 'Group' | undefined;
  if (rawType !== undefined && rawType !== null) {
    const t = typeof rawType === 'string' ? rawType.trim().toLowerCase() : '';
    if (t === 'user') type = 'User';
    else if (t === 'group') type = 'Group';
    else throw ScimError.invalidValue(`Member '${at()}.type' must be "User" or "Group", got ${describe(rawType)}.`);
  }
  const display = typeof rawDisplay === 'string' ? rawDisplay : undefined;
  if (display === undefined) return type ? { value, type } : { value };
  return type ? { value, type, display } : { value, display };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(clip(v, 40));
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  const primitive = v as number | boolean | undefined;
  return String(primitive);
}
