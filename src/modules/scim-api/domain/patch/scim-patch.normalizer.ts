import { parsePatchPath } from '../../../../shared/scim/filter/scim-filter.parser';
import type { AttrPath, PatchPath } from '../../../../shared/scim/scim-filter.ast';
import { ScimError } from '../../../../shared/scim/scim-error';
import type { ResolvedAttr, ScimAttributeDef, ScimResourceTypeName } from '../../../../shared/scim/scim-schema.types';
import { findAttribute, type ScimSchemaRegistry } from '../../../../shared/scim/schemas/scim-schema.registry';
import {
  classifyKey,
  normalizeAttributeValue,
  normalizeMemberList,
  normalizeSingleValue,
  type ScimKeyClass,
} from '../resource/scim-resource.normalizer';
import { clip, existingKey, getCaseInsensitive, isPlainObject, stripNulls } from '../resource/scim-json';

/**
 * RFC 7644 §3.5.2 PATCH body, in any Entra/Okta dialect → canonical operations.
 *
 * Canonical form (what the applier and the group planner rely on):
 * - `op` is lower-case; every op has a `path` (path-less add/replace are expanded, one op per attribute);
 * - `path` names are canonical (schema case), core paths carry no URN, extension paths carry the
 *   declared URN (or the URN as sent for open extensions); value filters are kept as parsed;
 * - `value` is normalised against the target's definition: booleans are booleans, single values of a
 *   multi-valued attribute are arrays, complex values are objects with canonical sub-attribute names,
 *   members are `{value, type?, display?}`;
 * - `remove` carries a `value` only for a whole multi-valued attribute (the elements to remove —
 *   Entra's legacy member removal, idp-dialects #25).
 *
 * Decisions where the RFC/dialect doc is silent:
 * - At most MAX_PATCH_OPERATIONS operations (1000) per request, checked before expansion: Entra batches
 *   far fewer; Okta sends one to three. A larger request is `invalidSyntax`. Member counts inside one
 *   operation are bounded by the body size limit, not here.
 * - The PatchOp `schemas` URN is not required (lenient) and not inspected.
 * - Unknown op name → invalidSyntax; `remove` without path → noTarget (RFC 7644 §3.5.2.2); add/replace
 *   without a value → invalidValue; a malformed or unknown path → invalidPath.
 * - `null` means unassigned (RFC 7643 §2.5): replace with null = remove that path; add with null does
 *   nothing. An empty array on replace of a multi-valued attribute = remove it.
 * - Inside a path-less value object, `id`, `meta` and `schemas` are ignored (Okta's rename sends `id`),
 *   and unknown attribute names are ignored like on POST/PUT; an explicit unknown `path` is invalidPath.
 * - `password` (writeOnly) is accepted and dropped — Okta changes passwords by PATCH; we never store one.
 * - readOnly targets (`id`, `meta`, `groups`, `manager.displayName`) fail with `mutability` before their
 *   value is looked at, so the client learns the real problem.
 * - `remove` of a whole declared extension (`path` = its URN) expands to one remove per declared
 *   attribute; for an open extension it is invalidPath (its attribute names are not known here).
 */

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface CanonicalPatchOp {
  readonly op: PatchOpName;
  readonly path?: PatchPath;
  readonly value?: unknown;
}

/** Upper bound on `Operations.length` (see the decision list above). */
export const MAX_PATCH_OPERATIONS = 1000;

const OP_NAMES: ReadonlySet<string> = new Set(['add', 'replace', 'remove']);
/** Service-provider-owned keys Okta/Entra echo inside path-less values. */
const IGNORED_VALUE_KEYS: ReadonlySet<string> = new Set(['id', 'meta', 'schemas']);

/** A canonical path resolved against the schemas. */
export interface PatchTarget {
  /** Canonical path (schema case, core paths without URN). */
  readonly path: PatchPath;
  readonly resolved: ResolvedAttr;
  /** The sub-attribute after a value filter (`emails[type eq "work"].value` → `value`). */
  readonly elementSub?: ScimAttributeDef;
  /** Attribute of an open extension: stored as sent. */
  readonly open: boolean;
  /** The Group `members` attribute (applied by the group planner, never stored in the resource). */
  readonly members: boolean;
}

export function normalizePatchRequest(
  body: unknown,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): CanonicalPatchOp[] {
  if (!isPlainObject(body)) {
    throw ScimError.invalidSyntax('The PATCH body must be a JSON object with an "Operations" array (RFC 7644 §3.5.2).');
  }
  const operations = getCaseInsensitive(body, 'Operations');
  if (!Array.isArray(operations)) {
    throw ScimError.invalidSyntax('The PATCH body must carry an "Operations" array (RFC 7644 §3.5.2).');
  }
  if (operations.length === 0) {
    throw ScimError.invalidSyntax('"Operations" must contain at least one operation (RFC 7644 §3.5.2).');
  }
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw ScimError.invalidSyntax(
      `"Operations" may contain at most ${MAX_PATCH_OPERATIONS} operations; split the request.`,
    );
  }
  const out: CanonicalPatchOp[] = [];
  operations.forEach((raw, index) => {
    for (const op of normalizeOperation(raw, `Operations[${index}]`, resourceType, registry)) out.push(op);
    // Path-less values expand to one operation per attribute: the bound holds after expansion too.
    if (out.length > MAX_PATCH_OPERATIONS) {
      throw ScimError.invalidValue(
        `Operations[${index}]: the request expands to more than ${MAX_PATCH_OPERATIONS} attribute operations; split it.`,
      );
    }
  });
  return out;
}

function normalizeOperation(
  raw: unknown,
  where: string,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): CanonicalPatchOp[] {
  if (!isPlainObject(raw)) {
    throw ScimError.invalidSyntax(`${where} must be an object with "op", "path" and "value" (RFC 7644 §3.5.2).`);
  }
  const opRaw = getCaseInsensitive(raw, 'op');
  // idp-dialects #13: Entra sends "Add"/"Replace"/"Remove"; RFC 7644 §3.5.2 names are case-insensitive for us.
  const op = typeof opRaw === 'string' ? opRaw.trim().toLowerCase() : undefined;
  if (op === undefined || !OP_NAMES.has(op)) {
    throw ScimError.invalidSyntax(
      `${where}.op must be "add", "replace" or "remove" (RFC 7644 §3.5.2), got ${typeof opRaw === 'string' ? JSON.stringify(clip(opRaw, 20)) : opRaw === null || typeof opRaw === 'object' ? 'a non-string' : typeof opRaw}.`,
    );
  }
  const name = op as PatchOpName;
  const pathRaw = getCaseInsensitive(raw, 'path');
  if (pathRaw !== undefined && pathRaw !== null && typeof pathRaw !== 'string') {
    throw ScimError.invalidPath(`${where}.path must be a string (RFC 7644 §3.5.2).`);
  }
  const pathString = typeof pathRaw === 'string' && pathRaw.trim() !== '' ? pathRaw.trim() : undefined;
  const hasValue = existingKey(raw, 'value') !== undefined;
  const value = getCaseInsensitive(raw, 'value');

  if (pathString === undefined) {
    if (name === 'remove') throw ScimError.noTarget(`${where}: "remove" requires a "path" (RFC 7644 §3.5.2.2).`);
    if (!hasValue || value === null || value === undefined) {
      throw ScimError.invalidValue(`${where}: "${name}" requires a "value" (RFC 7644 §3.5.2.1).`);
    }
    if (!isPlainObject(value)) {
      throw ScimError.invalidValue(
        `${where}: without "path", "value" must be an object of attributes (RFC 7644 §3.5.2.1).`,
      );
    }
    // idp-dialects #17/#31 (aadOptscim062020) and Okta's `{"active":false}` / `{id, displayName}`.
    return expandValueObject(name, value, undefined, `${where}.value`, resourceType, registry);
  }

  const container = pathString.includes('[') ? undefined : classifyKey(pathString, value, resourceType, registry);
  if (container?.kind === 'container') {
    return wholeSchemaOperation(name, container, value, hasValue, where, pathString, resourceType, registry);
  }

  const target = resolvePatchTarget(parsePatchPath(pathString), resourceType, registry, pathString);
  if (name === 'remove') return removeOperation(target, hasValue ? value : undefined, where);
  if (!hasValue || value === undefined) {
    throw ScimError.invalidValue(`${where}: "${name}" on '${clip(pathString)}' requires a "value" (RFC 7644 §3.5.2).`);
  }
  return valueOperation(name, target, value, `${where}.value`);
}

/** `path` is a schema URN itself: add/replace its attributes, or remove all of them. */
function wholeSchemaOperation(
  op: PatchOpName,
  container: Extract<ScimKeyClass, { kind: 'container' }>,
  value: unknown,
  hasValue: boolean,
  where: string,
  pathString: string,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): CanonicalPatchOp[] {
  if (op === 'remove') {
    const schema = registry.findSchema(resourceType, container.schemaId);
    if (container.core || !schema || registry.isOpenExtension(resourceType, schema.id)) {
      throw ScimError.invalidPath(
        `${where}: cannot remove '${clip(pathString)}' as a whole; remove its attributes one by one.`,
      );
    }
    return schema.attributes.map((def) => ({ op, path: { path: { schema: schema.id, attr: def.name } } }));
  }
  if (!hasValue || !isPlainObject(value)) {
    throw ScimError.invalidValue(
      `${where}: "${op}" on schema '${clip(pathString)}' requires an object of its attributes as "value".`,
    );
  }
  return expandValueObject(op, value, container, `${where}.value`, resourceType, registry);
}

/**
 * Expands a path-less value object (or the object under a schema URN) into one op per attribute.
 * Keys may be plain (`active`), dotted (`name.givenName`), URN-qualified
 * (`urn:…:enterprise:2.0:User:employeeNumber`, `urn:…:2.0:Metadata:costCode`), URN containers
 * (`{"urn:…:enterprise:2.0:User": {…}}`) or value paths (`emails[type eq "work"].value`).
 */
function expandValueObject(
  op: PatchOpName,
  obj: Record<string, unknown>,
  container: Extract<ScimKeyClass, { kind: 'container' }> | undefined,
  where: string,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): CanonicalPatchOp[] {
  const out: CanonicalPatchOp[] = [];
  const openContainer =
    container !== undefined && !container.core && registry.isOpenExtension(resourceType, container.schemaId);
  for (const [key, raw] of Object.entries(obj)) {
    const trimmed = key.trim();
    const keyWhere = `${where}.${clip(trimmed, 60)}`;
    if ((container === undefined || container.core) && IGNORED_VALUE_KEYS.has(trimmed.toLowerCase())) continue;
    let cls: ScimKeyClass | undefined;
    if (container && !container.core) {
      cls = {
        kind: 'attribute',
        path: { schema: container.schemaId, ...(openContainer ? { attr: trimmed } : splitName(trimmed)) },
      };
    } else if (trimmed.includes('[')) {
      const target = tryResolve(() => resolvePatchTarget(parsePatchPath(trimmed), resourceType, registry, trimmed));
      if (target) out.push(...valueOperation(op, target, raw, keyWhere));
      continue;
    } else {
      cls = classifyKey(trimmed, raw, resourceType, registry);
    }
    if (!cls) continue;
    if (cls.kind === 'container') {
      if (isPlainObject(raw)) out.push(...expandValueObject(op, raw, cls, keyWhere, resourceType, registry));
      else if (raw !== null && raw !== undefined) {
        throw ScimError.invalidValue(`${keyWhere} must be an object holding the attributes of that schema.`);
      }
      continue;
    }
    const path = cls.path;
    const target = tryResolve(() => resolvePatchTarget({ path }, resourceType, registry, trimmed));
    if (target) out.push(...valueOperation(op, target, raw, keyWhere));
  }
  return out;
}

function splitName(name: string): AttrPath {
  const dot = name.indexOf('.');
  return dot < 0 ? { attr: name } : { attr: name.slice(0, dot), subAttr: name.slice(dot + 1) };
}

/** Unknown attributes inside a path-less value are ignored like on POST (see the decisions above). */
function tryResolve(fn: () => PatchTarget): PatchTarget | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidPath') return undefined;
    throw error;
  }
}

function valueOperation(op: PatchOpName, target: PatchTarget, raw: unknown, where: string): CanonicalPatchOp[] {
  if (isWriteOnly(target)) return []; // password: accepted, never stored
  assertWritable(target, where);
  if (raw === null || raw === undefined) {
    // RFC 7643 §2.5: null is "unassigned" — replace with null clears, add with null adds nothing.
    return op === 'replace' ? removeOperation(target, undefined, where) : [];
  }
  assertMemberTarget(op, target, where);
  const value = canonicalizeOpValue(target, raw, where);
  if (value === undefined) {
    const whole =
      target.path.valueFilter === undefined &&
      target.path.subAttr === undefined &&
      target.path.path.subAttr === undefined;
    // `replace emails []` clears emails; `replace name {}` changes nothing (complex replace merges).
    return op === 'replace' && whole && target.resolved.def.multiValued ? [{ op: 'remove', path: target.path }] : [];
  }
  return [{ op, path: target.path, value }];
}

function removeOperation(target: PatchTarget, raw: unknown, where: string): CanonicalPatchOp[] {
  if (isWriteOnly(target)) return [];
  assertWritable(target, where);
  assertMemberTarget('remove', target, where);
  const whole =
    target.path.valueFilter === undefined &&
    target.path.subAttr === undefined &&
    target.path.path.subAttr === undefined;
  if (raw === null || raw === undefined || !whole || !target.resolved.def.multiValued || target.open) {
    // A value on remove is only meaningful for a whole multi-valued attribute; elsewhere it is ignored.
    return [{ op: 'remove', path: target.path }];
  }
  const elements = canonicalizeRemoveValue(target, raw, `${where}.value`);
  // idp-dialects #25: Entra removes members with `"value":[{"value":"id"}]`. A value naming nothing is a no-op.
  return elements.length === 0 ? [] : [{ op: 'remove', path: target.path, value: elements }];
}

/** RFC 7644 §3.5.2: an operation on a readOnly attribute fails with `mutability` (id, meta, groups…). */
export function assertWritable(target: PatchTarget, where: string): void {
  const { def, sub } = target.resolved;
  if ([def, sub, target.elementSub].some((d) => d?.mutability === 'readOnly')) {
    throw ScimError.mutability(
      `${where}: '${formatPatchPath(target.path)}' is readOnly and cannot be modified (RFC 7643 §7).`,
    );
  }
}

function isWriteOnly(target: PatchTarget): boolean {
  return target.resolved.def.mutability === 'writeOnly' || target.resolved.sub?.mutability === 'writeOnly';
}

/** Members are added/removed by id only; sub-attributes are immutable (RFC 7643 §4.2 / §8.7.1). */
export function assertMemberTarget(op: PatchOpName, target: PatchTarget, where: string): void {
  if (!target.members) return;
  if (target.path.subAttr !== undefined || target.path.path.subAttr !== undefined) {
    throw ScimError.invalidPath(
      `${where}: member sub-attributes cannot be patched; add or remove members by value ('members', 'members[value eq "id"]').`,
    );
  }
  if (target.path.valueFilter !== undefined && op !== 'remove') {
    throw ScimError.invalidPath(
      `${where}: "${op}" on a filtered members path is not supported; use "remove" with 'members[value eq "id"]' and "add" on 'members'.`,
    );
  }
}

/**
 * Resolves a parsed path against the schemas for `resourceType` and returns it in canonical form.
 * Throws ScimError invalidPath for unknown attributes and impossible shapes.
 */
export function resolvePatchTarget(
  path: PatchPath,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
  raw: string,
): PatchTarget {
  const resolved = registry.resolveForWrite(resourceType, path.path);
  if (!resolved) {
    throw ScimError.invalidPath(`'${clip(raw)}' is not an attribute of ${resourceType} (RFC 7644 §3.5.2).`);
  }
  const { def } = resolved;
  if (path.valueFilter !== undefined) {
    if (resolved.sub) throw ScimError.invalidPath(`'${clip(raw)}': a value filter cannot follow a sub-attribute.`);
    if (!def.multiValued && def.type !== 'complex') {
      throw ScimError.invalidPath(`'${clip(raw)}': a value filter needs a multi-valued or complex attribute.`);
    }
  }
  let elementSub: ScimAttributeDef | undefined;
  if (path.subAttr !== undefined) {
    if (path.valueFilter === undefined || def.type !== 'complex') {
      throw ScimError.invalidPath(
        `'${clip(raw)}': '${clip(path.subAttr, 40)}' must follow a value filter on a complex attribute.`,
      );
    }
    elementSub = findAttribute(def.subAttributes ?? [], path.subAttr);
    if (!elementSub)
      throw ScimError.invalidPath(
        `'${clip(raw)}': '${clip(path.subAttr, 40)}' is not a sub-attribute of '${def.name}'.`,
      );
  }
  if (resolved.sub && def.type !== 'complex') {
    throw ScimError.invalidPath(`'${clip(raw)}': '${def.name}' has no sub-attributes.`);
  }
  const canonical: PatchPath = {
    path: {
      ...(resolved.extension ? { schema: resolved.schemaId } : {}),
      attr: def.name,
      ...(resolved.sub ? { subAttr: resolved.sub.name } : {}),
    },
    ...(path.valueFilter !== undefined ? { valueFilter: path.valueFilter } : {}),
    ...(elementSub ? { subAttr: elementSub.name } : {}),
  };
  return {
    path: canonical,
    resolved,
    ...(elementSub ? { elementSub } : {}),
    open: resolved.open === true || (resolved.extension && registry.isOpenExtension(resourceType, resolved.schemaId)),
    members: resourceType === 'Group' && !resolved.extension && def.name === 'members',
  };
}

/**
 * Normalises an add/replace value for `target` (see the canonical form above). Returns undefined
 * when the value is "unassigned". Idempotent — the applier runs it again on canonical ops.
 */
export function canonicalizeOpValue(target: PatchTarget, raw: unknown, where: string): unknown {
  if (target.open) return stripNulls(raw);
  if (target.members) return normalizeMemberList(raw, where);
  const { def, sub } = target.resolved;
  if (target.path.valueFilter !== undefined) {
    // One element (or one sub-attribute of the matching elements); `[x]` is unwrapped.
    return normalizeSingleValue(target.elementSub ?? def, raw, where);
  }
  if (sub) return normalizeSingleValue(sub, raw, where);
  return normalizeAttributeValue(def, raw, where);
}

/** The elements named by a `remove` value on a whole multi-valued attribute. */
export function canonicalizeRemoveValue(target: PatchTarget, raw: unknown, where: string): unknown[] {
  if (target.members) return normalizeMemberList(raw, where);
  const value = normalizeAttributeValueLenient(target.resolved.def, raw, where);
  return Array.isArray(value) ? value : [];
}

/** Like normalizeAttributeValue but without the primary/type uniqueness checks (these are removals). */
function normalizeAttributeValueLenient(def: ScimAttributeDef, raw: unknown, where: string): unknown {
  const items = Array.isArray(raw) ? raw : [raw];
  return items.map((item, i) => normalizeSingleValue(def, item, `${where}[${i}]`, true)).filter((v) => v !== undefined);
}

/** `urn:…:User:emails[type eq "work"].value`-like text of a canonical path, for error details. */
export function formatPatchPath(path: PatchPath): string {
  const base = `${path.path.schema ? `${path.path.schema}:` : ''}${path.path.attr}${path.path.subAttr ? `.${path.path.subAttr}` : ''}`;
  return `${base}${path.valueFilter ? '[…]' : ''}${path.subAttr ? `.${path.subAttr}` : ''}`;
}
