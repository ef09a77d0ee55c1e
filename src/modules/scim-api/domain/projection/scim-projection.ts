import { matchesFilter } from '../../../../shared/scim/filter/scim-filter.evaluator';
import type { AttrPath, FilterNode, PatchPath } from '../../../../shared/scim/scim-filter.ast';
import type { ScimAttributeDef, ScimResourceTypeName } from '../../../../shared/scim/scim-schema.types';
import { findAttribute, type ScimSchemaRegistry } from '../../../../shared/scim/schemas/scim-schema.registry';
import { isPlainObject } from '../resource/scim-json';

/**
 * RFC 7644 §3.4.2.5 / §3.9 `attributes` and `excludedAttributes` over a full resource (`id`, `meta`,
 * `schemas`, attributes, extension objects, and for groups `members` when the caller loaded them).
 *
 * Rules:
 * - `schemas` and attributes with `returned: "always"` (`id`) are always present; `returned: "never"`
 *   (`password`, at any level) never; `returned: "request"` only when named in `attributes`.
 * - `attributes` (non-empty) wins over `excludedAttributes` (RFC 7644 §3.4.2.5: "SHALL NOT be used
 *   together"; we do not reject, we take `attributes`).
 * - `name.givenName` keeps only that sub-attribute; `emails.value` keeps `value` of every email;
 *   `emails[type eq "work"]` keeps only the matching values (Roster extension, in `attributes`) or drops
 *   them (in `excludedAttributes`); `urn:…:enterprise:2.0:User` names the whole extension,
 *   `urn:…:enterprise:2.0:User:manager` one of its attributes.
 * - `meta` is returned by default (RFC 7643 §3.1 lists it as SP-maintained, returned unless excluded
 *   or not asked for when `attributes` is used).
 * - Names that match nothing are ignored. `schemas` lists the core schema and the extensions still
 *   present in the output ("included schemas", RFC 7643 §3).
 */
export interface ProjectionOptions {
  readonly attributes?: readonly PatchPath[];
  readonly excludedAttributes?: readonly PatchPath[];
}

type Full = Record<string, unknown>;

/** One request entry resolved against the schemas. */
interface Selector {
  /** Lower-case extension URN, or undefined for core. */
  readonly container?: string;
  /** Lower-case attribute name; undefined = the whole extension. */
  readonly attr?: string;
  readonly sub?: string;
  readonly filter?: FilterNode;
}

export function projectResource(
  full: Full,
  opts: ProjectionOptions,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): Record<string, unknown> {
  const include = (opts.attributes ?? []).map((p) => toSelector(p, resourceType, registry));
  const exclude =
    include.length > 0 ? [] : (opts.excludedAttributes ?? []).map((p) => toSelector(p, resourceType, registry));
  const core = registry.schemasFor(resourceType).core;
  const out: Record<string, unknown> = {};
  const includedExtensions: string[] = [];

  for (const [key, value] of Object.entries(full)) {
    if (key.toLowerCase() === 'schemas' || value === undefined || value === null) continue;
    if (registry.isExtensionUrn(key) && isPlainObject(value)) {
      const projected = projectExtension(key, value, include, exclude, resourceType, registry);
      if (projected && Object.keys(projected).length > 0) {
        out[key] = projected;
        includedExtensions.push(key);
      }
      continue;
    }
    const def = findAttribute(core.attributes, key);
    const projected = projectAttribute(undefined, key, def, value, include, exclude);
    if (projected !== undefined) out[key] = projected;
  }

  return { schemas: [core.id, ...includedExtensions.map((e) => registry.schemaById(e)?.id ?? e)], ...out };
}

function toSelector(p: PatchPath, resourceType: ScimResourceTypeName, registry: ScimSchemaRegistry): Selector {
  const filterPart = p.valueFilter ? { filter: p.valueFilter } : {};
  const path = p.path;
  if (path.schema !== undefined) {
    // The parser reads `urn:…:enterprise:2.0:User` as schema `urn:…:enterprise:2.0` + attr `User`.
    const whole = registry.findSchema(resourceType, `${path.schema}:${path.attr}`);
    if (whole && path.subAttr === undefined && !p.valueFilter) {
      return whole.id === registry.schemasFor(resourceType).core.id
        ? { attr: '*' }
        : { container: whole.id.toLowerCase() };
    }
  }
  const resolved = registry.resolve(resourceType, path);
  const sub = p.subAttr ?? resolved?.sub?.name ?? path.subAttr;
  if (resolved) {
    return {
      ...(resolved.extension ? { container: resolved.schemaId.toLowerCase() } : {}),
      attr: resolved.def.name.toLowerCase(),
      ...(sub !== undefined ? { sub: sub.toLowerCase() } : {}),
      ...filterPart,
    };
  }
  // Unknown to the schemas (e.g. a core-qualified path of another type): match by name only.
  return {
    ...(path.schema !== undefined && registry.isExtensionUrn(path.schema)
      ? { container: path.schema.toLowerCase() }
      : {}),
    attr: path.attr.toLowerCase(),
    ...(sub !== undefined ? { sub: sub.toLowerCase() } : {}),
    ...filterPart,
  };
}

function projectExtension(
  key: string,
  value: Record<string, unknown>,
  include: readonly Selector[],
  exclude: readonly Selector[],
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): Record<string, unknown> | undefined {
  const urn = key.toLowerCase();
  const schema = registry.findSchema(resourceType, key) ?? registry.schemaById(key);
  const wholeIncluded = include.some((s) => s.container === urn && s.attr === undefined);
  if (exclude.some((s) => s.container === urn && s.attr === undefined)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [attrKey, attrValue] of Object.entries(value)) {
    const def = schema ? findAttribute(schema.attributes, attrKey) : undefined;
    const projected = wholeIncluded
      ? stripNever(def, attrValue)
      : projectAttribute(urn, attrKey, def, attrValue, include, exclude);
    if (projected !== undefined) out[attrKey] = projected;
  }
  return out;
}

/**
 * The value of one attribute in the output, or undefined to leave it out. `def` is undefined for
 * attributes of open extensions (returned "default", no sub-attribute rules).
 */
function projectAttribute(
  container: string | undefined,
  key: string,
  def: ScimAttributeDef | undefined,
  value: unknown,
  include: readonly Selector[],
  exclude: readonly Selector[],
): unknown {
  const returned = def?.returned ?? 'default';
  if (returned === 'never') return undefined;
  const name = key.toLowerCase();
  const mine = (s: Selector) =>
    s.container === container && (s.attr === name || (container === undefined && s.attr === '*'));
  if (include.length > 0) {
    const selectors = include.filter(mine);
    if (returned === 'always' || selectors.some((s) => s.attr === '*')) return stripNever(def, value);
    if (selectors.length === 0) return undefined;
    return keepSelected(def, value, selectors);
  }
  if (returned === 'request') return undefined;
  const full = stripNever(def, value);
  if (returned === 'always') return full;
  const selectors = exclude.filter(mine);
  if (selectors.length === 0) return full;
  return dropSelected(def, full, selectors);
}

/** Union of what the selectors ask for (whole value, sub-attributes, filtered values). */
function keepSelected(def: ScimAttributeDef | undefined, value: unknown, selectors: readonly Selector[]): unknown {
  const whole = stripNever(def, value);
  if (selectors.some((s) => s.sub === undefined && s.filter === undefined)) return whole;
  if (!def || def.type !== 'complex') return whole;
  const elements = def.multiValued ? (Array.isArray(whole) ? whole : []) : [whole];
  const kept: unknown[] = [];
  for (const el of elements) {
    const applicable = selectors.filter((s) => s.filter === undefined || elementMatches(el, s.filter, def));
    if (applicable.length === 0) continue;
    if (applicable.some((s) => s.sub === undefined) || !isPlainObject(el)) {
      kept.push(el);
      continue;
    }
    const subs = new Set(applicable.map((s) => s.sub as string));
    const picked = pickSubs(def, el, (sub) => subs.has(sub.toLowerCase()));
    if (Object.keys(picked).length > 0) kept.push(picked);
  }
  if (!def.multiValued) return kept[0];
  return kept.length > 0 ? kept : undefined;
}

function dropSelected(def: ScimAttributeDef | undefined, value: unknown, selectors: readonly Selector[]): unknown {
  if (selectors.some((s) => s.sub === undefined && s.filter === undefined)) return undefined;
  if (!def || def.type !== 'complex') return value;
  const elements = def.multiValued ? (Array.isArray(value) ? value : []) : [value];
  const kept: unknown[] = [];
  for (const el of elements) {
    const applicable = selectors.filter((s) => s.filter === undefined || elementMatches(el, s.filter, def));
    if (applicable.some((s) => s.sub === undefined)) continue; // the whole (matching) value is excluded
    if (!isPlainObject(el) || applicable.length === 0) {
      kept.push(el);
      continue;
    }
    const drop = new Set(applicable.map((s) => s.sub as string));
    const picked = pickSubs(def, el, (sub) => !drop.has(sub.toLowerCase()) || isAlwaysSub(def, sub));
    if (Object.keys(picked).length > 0) kept.push(picked);
  }
  if (!def.multiValued) return kept[0];
  return kept.length > 0 ? kept : undefined;
}

function pickSubs(
  def: ScimAttributeDef,
  el: Record<string, unknown>,
  keep: (sub: string) => boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(el)) {
    if (keep(k) || isAlwaysSub(def, k)) out[k] = v;
  }
  return out;
}

function isAlwaysSub(def: ScimAttributeDef, name: string): boolean {
  return findAttribute(def.subAttributes ?? [], name)?.returned === 'always';
}

/** Removes `returned: "never"` and `"request"` sub-attributes (never asked for at this level). */
function stripNever(def: ScimAttributeDef | undefined, value: unknown): unknown {
  if (
    !def ||
    def.type !== 'complex' ||
    !def.subAttributes?.some((s) => s.returned === 'never' || s.returned === 'request')
  )
    return value;
  const strip = (el: unknown) => {
    if (!isPlainObject(el)) return el;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(el)) {
      const r = findAttribute(def.subAttributes ?? [], k)?.returned;
      if (r !== 'never' && r !== 'request') out[k] = v;
    }
    return out;
  };
  return Array.isArray(value) ? value.map(strip) : strip(value);
}

function elementMatches(element: unknown, filter: FilterNode, def: ScimAttributeDef): boolean {
  const resolve = (p: AttrPath) =>
    p.subAttr === undefined ? findAttribute(def.subAttributes ?? [], p.attr) : undefined;
  return matchesFilter(element, filter, { resolve });
}
