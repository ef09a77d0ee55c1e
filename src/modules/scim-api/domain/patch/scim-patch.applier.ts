import { matchesFilter } from '../../../../shared/scim/filter/scim-filter.evaluator';
import type { AttrPath, FilterNode } from '../../../../shared/scim/scim-filter.ast';
import { ScimError } from '../../../../shared/scim/scim-error';
import type { ScimAttributeDef, ScimResourceTypeName } from '../../../../shared/scim/scim-schema.types';
import { findAttribute, type ScimSchemaRegistry } from '../../../../shared/scim/schemas/scim-schema.registry';
import {
  assertMaxValues,
  deepEqual,
  existingKey,
  isPlainObject,
  sameValue,
  stableJson,
  valueKey,
} from '../resource/scim-json';
import { KeyIndex } from '../resource/scim-key-index';
import {
  extensionContainer,
  normalizeMemberList,
  normalizeSingleValue,
  orderResource,
  validateMultiValued,
  type ScimGroupMember,
  type ScimResourceJson,
} from '../resource/scim-resource.normalizer';
import {
  assertMemberTarget,
  assertWritable,
  canonicalizeOpValue,
  canonicalizeRemoveValue,
  formatPatchPath,
  resolvePatchTarget,
  type CanonicalPatchOp,
  type PatchTarget,
} from './scim-patch.normalizer';

/**
 * RFC 7644 §3.5.2.1–3 add/replace/remove over a canonical stored resource. Pure: works on a deep
 * copy; the input is never mutated, and a ScimError on any operation means nothing is applied (the
 * caller persists only a returned result — all operations or none, RFC 7644 §3.5.2).
 *
 * Decisions where the RFC is silent or where clients need something else:
 * - Replace/add on a value path that matches nothing CREATES the element when the filter is a
 *   conjunction of `eq` tests (`emails[type eq "work"].value` → push `{type:"work", value}`,
 *   idp-dialects #14). RFC 7644 §3.5.2.3 says noTarget; Entra relies on creation. A filter we cannot
 *   turn into an element still fails with noTarget.
 * - Remove with a filter that matches nothing succeeds as a no-op for every attribute (members:
 *   idempotent per idp-dialects #27; others: same rule, so Entra's retries of `remove manager[…]`
 *   after the manager changed do not quarantine the job).
 * - Remove of an absent attribute is a no-op; remove/empty of `userName` (User) or `displayName`
 *   (Group) is invalidValue — both are required. Removing `active` is invalidValue too: an absent
 *   `active` reads as the POST/PUT default (true), so a remove would silently re-enable the user.
 * - Complex single-valued add/replace merge sub-attributes ("sub-attributes that are not specified
 *   in the value are left unchanged", RFC 7644 §3.5.2.3); add to a multi-valued attribute appends,
 *   skipping a value whose given sub-attributes all equal an existing value's (caseExact-aware).
 * - Setting `primary: true` on one element clears `primary` (sets false) on the others; two
 *   primaries at the end is invalidValue. `type` must stay unique in emails/phoneNumbers/ims/photos/
 *   addresses (checked only for attributes this patch changed, so legacy rows can still be patched).
 * - readOnly targets (`id`, `meta`, `groups`, `manager.displayName`) → mutability; unknown attribute
 *   paths → invalidPath (RFC 7644 §3.5.2 allows invalidPath or noTarget; invalidPath says what is wrong).
 * - `password` (writeOnly) operations are accepted and ignored — never stored.
 * - changedAttributes lists top-level names whose value actually changed (core: `title`; extension:
 *   `<urn>:<attr>`), so a no-op patch yields [] for the audit trail.
 */

export interface PatchApplyResult {
  readonly resource: ScimResourceJson;
  readonly changedAttributes: string[];
}

export interface GroupMemberPlan {
  /** Members to add (idempotent: already-present ones are no-ops for the caller's SQL). */
  readonly add: ScimGroupMember[];
  /** Member ids to remove (idempotent: absent ones are no-ops). */
  readonly remove: string[];
  /** When set, the group's members become exactly this list (and add/remove are empty). */
  readonly replaceAll?: ScimGroupMember[];
}

export interface GroupPatchPlan extends PatchApplyResult {
  readonly members: GroupMemberPlan;
}

export function applyUserPatch(
  resource: ScimResourceJson,
  ops: readonly CanonicalPatchOp[],
  registry: ScimSchemaRegistry,
): PatchApplyResult {
  return applyAttributeOps(
    resource,
    ops.map((op, index) => ({ op, index })),
    'User',
    registry,
  );
}

/**
 * Group PATCH: attribute operations (displayName, externalId, extensions) are applied like for users;
 * member operations become a plan the caller executes with SQL in O(changed members) — groups may
 * hold 100,000 members, so they are never loaded into a list here. Operations are folded in order:
 * Okta's `remove members[value eq "a"]` + `add members [b]` in one request (idp-dialects 2.9) gives
 * `{remove:[a], add:[b]}`; a later `replace members` (Okta full push) or `remove members` (no value,
 * no filter: remove all) resets the plan to `replaceAll`.
 */
export function planGroupPatch(
  resource: ScimResourceJson,
  ops: readonly CanonicalPatchOp[],
  registry: ScimSchemaRegistry,
): GroupPatchPlan {
  const memberOps: IndexedOp[] = [];
  const otherOps: IndexedOp[] = [];
  ops.forEach((op, index) => {
    const target = op.path ? resolvePatchTarget(op.path, 'Group', registry, formatPatchPath(op.path)) : undefined;
    (target?.members ? memberOps : otherOps).push({ op, index, ...(target ? { target } : {}) });
  });
  const base = applyAttributeOps(resource, otherOps, 'Group', registry);
  const members = planMembers(memberOps);
  return {
    resource: base.resource,
    changedAttributes: memberOps.length > 0 ? [...base.changedAttributes, 'members'] : base.changedAttributes,
    members,
  };
}

interface IndexedOp {
  readonly op: CanonicalPatchOp;
  readonly index: number;
  readonly target?: PatchTarget;
}

// ---------------------------------------------------------------------------------------------
// Members
// ---------------------------------------------------------------------------------------------

function planMembers(ops: readonly IndexedOp[]): GroupMemberPlan {
  let replaceAll: Map<string, ScimGroupMember> | undefined;
  const add = new Map<string, ScimGroupMember>();
  const remove = new Set<string>();
  const addMember = (m: ScimGroupMember) => {
    if (replaceAll) {
      replaceAll.set(m.value, m);
    } else {
      if (remove.size > 0) remove.delete(m.value);
      add.set(m.value, m);
    }
  };
  const removeId = (id: string) => {
    if (replaceAll) {
      replaceAll.delete(id);
    } else {
      add.delete(id);
      remove.add(id);
    }
  };
  for (const { op, index, target } of ops) {
    const where = `Operations[${index}]`;
    if (!target) continue;
    assertMemberTarget(op.op, target, where);
    if (op.op === 'add' || op.op === 'replace') {
      if (op.value === undefined || op.value === null) {
        throw ScimError.invalidValue(`${where}: "${op.op}" on 'members' requires a value.`);
      }
      // Canonical already (normalizePatchRequest): not normalised again, 40,000 members cost twice.
      const list = isMemberList(op.value) ? op.value : normalizeMemberList(op.value, `${where}.value`);
      if (ops.length === 1)
        return op.op === 'add' ? { add: list, remove: [] } : { add: [], remove: [], replaceAll: list };
      if (op.op === 'replace') {
        replaceAll = new Map();
        add.clear();
        remove.clear();
      }
      list.forEach(addMember);
      continue;
    }
    if (target.path.valueFilter) {
      const ids = memberIdsFromFilter(target.path.valueFilter);
      if (!ids) {
        throw ScimError.invalidFilter(
          `${where}: members can be removed by 'members[value eq "id"]' (optionally joined with "or") only.`,
        );
      }
      ids.forEach(removeId);
    } else if (op.value !== undefined && op.value !== null) {
      // idp-dialects #25: Entra (without aadOptscim062020) removes with a value list.
      normalizeMemberList(op.value, `${where}.value`).forEach((m) => removeId(m.value));
    } else {
      // RFC 7644 §3.5.2.2: remove without filter removes all values.
      replaceAll = new Map();
      add.clear();
      remove.clear();
    }
  }
  return {
    add: [...add.values()],
    remove: [...remove],
    ...(replaceAll ? { replaceAll: [...replaceAll.values()] } : {}),
  };
}

/** A normalizeMemberList result: distinct members, each an object with a string `value`. */
function isMemberList(v: unknown): v is ScimGroupMember[] {
  return Array.isArray(v) && v.every((m) => isPlainObject(m) && typeof m.value === 'string');
}

/** `value eq "id"`, or several of them joined by `or`; anything else cannot be planned without data. */
function memberIdsFromFilter(filter: FilterNode): string[] | undefined {
  if (filter.kind === 'compare') {
    const valueAttr = filter.path.attr.toLowerCase() === 'value' && filter.path.subAttr === undefined;
    if (!valueAttr || filter.op !== 'eq') return undefined;
    if (typeof filter.value === 'string' && filter.value !== '') return [filter.value];
    if (typeof filter.value === 'number') return [String(filter.value)];
    return undefined;
  }
  if (filter.kind === 'or') {
    const left = memberIdsFromFilter(filter.left);
    const right = memberIdsFromFilter(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Attributes
// ---------------------------------------------------------------------------------------------

function applyAttributeOps(
  resource: ScimResourceJson,
  ops: readonly IndexedOp[],
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): PatchApplyResult {
  const work = structuredClone<ScimResourceJson>(resource);
  const state: ApplyState = { keys: new KeyIndex(), budget: PATCH_ELEMENT_BUDGET };
  for (const { op, index, target } of ops)
    applyOperation(work, op, target, `Operations[${index}]`, resourceType, registry, state);
  const after = orderResource(work, resourceType, registry);
  const changed = changedAttributeNames(resource, after, registry);
  validateResult(resource, after, changed, resourceType, registry);
  return { resource: after, changedAttributes: changed.map((c) => c.name) };
}

/**
 * Values of multi-valued attributes one PATCH may visit in total (an operation on an attribute
 * holding n values visits n). Keeps a PATCH of 1,000 value-filter operations on a 10,000-value
 * attribute from costing 10⁷ filter evaluations; real IdP PATCHes visit a few dozen (issue #17).
 */
export const PATCH_ELEMENT_BUDGET = 100_000;

interface ApplyState {
  readonly keys: KeyIndex;
  budget: number;
}

function charge(state: ApplyState, values: unknown, where: string): void {
  const n = Array.isArray(values) ? values.length : 0;
  state.budget -= n;
  if (state.budget < 0) {
    throw ScimError.invalidValue(
      `${where}: this PATCH would visit more than ${PATCH_ELEMENT_BUDGET} values of multi-valued attributes; split it into smaller requests.`,
    );
  }
}

function applyOperation(
  work: ScimResourceJson,
  op: CanonicalPatchOp,
  knownTarget: PatchTarget | undefined,
  where: string,
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
  state: ApplyState,
): void {
  if (!op.path) {
    // normalizePatchRequest expands every path-less op; a path-less canonical op is a caller bug.
    throw ScimError.noTarget(`${where}: operation has no path (RFC 7644 §3.5.2).`);
  }
  const target = knownTarget ?? resolvePatchTarget(op.path, resourceType, registry, formatPatchPath(op.path));
  const { def, sub, schemaId, extension } = target.resolved;
  const name = formatPatchPath(target.path);
  if (target.members) {
    throw ScimError.invalidPath(`${where}: 'members' is planned by planGroupPatch, not applied to the resource.`);
  }
  assertWritable(target, where);
  if (def.mutability === 'writeOnly' || sub?.mutability === 'writeOnly') return; // password: never stored

  let value: unknown;
  if (op.op === 'remove') {
    value =
      op.value === undefined || op.value === null
        ? undefined
        : canonicalizeRemoveValue(target, op.value, `${where}.value`);
  } else {
    if (op.value === undefined || op.value === null) {
      throw ScimError.invalidValue(`${where}: "${op.op}" on '${name}' requires a value (RFC 7644 §3.5.2).`);
    }
    value = canonicalizeOpValue(target, op.value, `${where}.value`);
    if (value === undefined) return; // unassigned value: nothing to add
  }

  const container = !extension
    ? work
    : op.op === 'remove'
      ? state.keys.existingContainer(work, schemaId)
      : state.keys.container(work, schemaId);
  if (!container) return; // remove inside an absent extension
  const key = state.keys.find(container, def.name) ?? def.name;
  charge(state, container[key], where);
  charge(state, value, where);

  if (target.open) {
    applyOpen(container, key, sub?.name, op.op, value, state.keys);
  } else if (target.path.valueFilter) {
    applyFiltered(container, key, def, target.path.valueFilter, target.elementSub, op.op, value, where, name);
  } else if (sub) {
    applySubAttribute(container, key, def, sub, op.op, value);
  } else {
    applyWhole(container, key, def, op.op, value);
  }
  state.keys.touched(container, key);
  const current = container[key];
  if (Array.isArray(current)) assertMaxValues(current.length, registry.maxMultiValued, name);
  // Empty extension objects are dropped (and leave `schemas`) by orderResource afterwards.
}

/** Open-extension attribute: stored as sent; add to an existing array appends. */
function applyOpen(
  container: ScimResourceJson,
  key: string,
  subName: string | undefined,
  op: CanonicalPatchOp['op'],
  value: unknown,
  keys: KeyIndex,
): void {
  if (subName !== undefined) {
    const parent = isPlainObject(container[key]) ? (container[key] as ScimResourceJson) : undefined;
    if (op === 'remove') {
      if (parent) {
        const k = keys.find(parent, subName);
        if (k !== undefined) {
          delete parent[k];
          keys.touched(parent, k);
        }
        // An emptied parent: for/in stops at the first key, unlike Object.keys(parent).length.
        let empty = true;
        for (const _ in parent) {
          empty = false;
          break;
        }
        if (empty) delete container[key];
      }
      return;
    }
    const target = parent ?? {};
    const k = keys.find(target, subName) ?? subName;
    target[k] = value;
    keys.touched(target, k);
    container[key] = target;
    return;
  }
  if (op === 'remove') {
    delete container[key];
  } else if (op === 'add' && Array.isArray(container[key]) && Array.isArray(value)) {
    const existing = container[key] as unknown[];
    const seen = new Set(existing.map(stableJson));
    const added = (value as unknown[]).filter((v) => {
      const k = stableJson(v);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    container[key] = [...existing, ...added];
  } else {
    container[key] = value;
  }
}

function applyWhole(
  container: ScimResourceJson,
  key: string,
  def: ScimAttributeDef,
  op: CanonicalPatchOp['op'],
  value: unknown,
): void {
  const current = container[key];
  if (op === 'remove') {
    if (def.multiValued && Array.isArray(value)) {
      // Remove the elements that match a given one (every sub-attribute given must be equal).
      if (!Array.isArray(current)) return;
      const given = new ElementIndex(def, value);
      setOrDelete(
        container,
        key,
        current.filter((el) => !given.anyMatchedBy(el)),
      );
    } else {
      delete container[key];
    }
    return;
  }
  if (def.multiValued) {
    const incoming = value as unknown[];
    if (op === 'replace') {
      setOrDelete(container, key, incoming);
      return;
    }
    const existing: unknown[] = Array.isArray(current) ? [...(current as unknown[])] : [];
    const present = new ElementIndex(def, existing);
    const touched: unknown[] = [];
    for (const v of incoming) {
      // RFC 7644 §3.5.2.1: adding a value that is already there changes nothing. "Already there" =
      // every sub-attribute given equals an existing value's (Entra re-adds roles without type/primary).
      if (!present.matches(v)) {
        existing.push(v);
        present.add(v);
        touched.push(v);
      }
    }
    clearOtherPrimaries(existing, touched);
    setOrDelete(container, key, existing);
    return;
  }
  if (def.type === 'complex' && isPlainObject(current) && isPlainObject(value)) {
    // RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes not given are left unchanged.
    container[key] = { ...current, ...value };
    return;
  }
  container[key] = value;
}

function applySubAttribute(
  container: ScimResourceJson,
  key: string,
  def: ScimAttributeDef,
  sub: ScimAttributeDef,
  op: CanonicalPatchOp['op'],
  value: unknown,
): void {
  const current = container[key];
  if (def.multiValued) {
    // `emails.value` without a filter addresses that sub-attribute of every value.
    const elements = Array.isArray(current) ? current.filter(isPlainObject).map((e) => ({ ...e })) : [];
    if (op === 'remove') {
      elements.forEach((e) => delete e[sub.name]);
      setOrDelete(
        container,
        key,
        elements.filter((e) => Object.keys(e).length > 0),
      );
      return;
    }
    if (elements.length === 0) elements.push({});
    elements.forEach((e) => (e[sub.name] = value));
    if (sub.name === 'primary' && value === true && elements.length > 1) {
      throw ScimError.invalidValue(
        `'${def.name}.primary' cannot be true on every value; use a value filter (RFC 7643 §2.4).`,
      );
    }
    container[key] = elements;
    return;
  }
  const obj = isPlainObject(current) ? { ...current } : {};
  if (op === 'remove') delete obj[sub.name];
  else obj[sub.name] = value;
  if (Object.keys(obj).length === 0) delete container[key];
  else container[key] = obj;
}

function applyFiltered(
  container: ScimResourceJson,
  key: string,
  def: ScimAttributeDef,
  filter: FilterNode,
  elementSub: ScimAttributeDef | undefined,
  op: CanonicalPatchOp['op'],
  value: unknown,
  where: string,
  name: string,
): void {
  const current = container[key];
  // A single-valued complex (enterprise `manager[value eq "…"]`, idp-dialects #19) is a list of ≤ 1.
  const elements: unknown[] = def.multiValued
    ? Array.isArray(current)
      ? [...(current as unknown[])]
      : []
    : current === undefined
      ? []
      : [current];
  const matched = elements.map((el) => elementMatchesFilter(el, filter, def));
  const write = (list: unknown[]) => {
    if (def.multiValued) setOrDelete(container, key, list);
    else if (list.length === 0) delete container[key];
    else container[key] = list[0];
  };

  if (op === 'remove') {
    if (!matched.some(Boolean)) return; // no match: success, nothing to do (see decisions)
    if (elementSub) {
      const next = elements.map((el, i) => (matched[i] && isPlainObject(el) ? withoutKey(el, elementSub.name) : el));
      write(next.filter((el) => !isPlainObject(el) || Object.keys(el).length > 0));
    } else {
      write(elements.filter((_, i) => !matched[i]));
    }
    return;
  }

  const touched: unknown[] = [];
  if (matched.some(Boolean)) {
    const next = elements.map((el, i) => {
      if (!matched[i]) return el;
      const updated = elementSub
        ? { ...(el as Record<string, unknown>), [elementSub.name]: value }
        : isPlainObject(el) && isPlainObject(value)
          ? { ...el, ...value }
          : value;
      touched.push(updated);
      return updated;
    });
    clearOtherPrimaries(next, touched);
    write(next);
    return;
  }
  if (!def.multiValued && elements.length > 0) {
    throw ScimError.noTarget(
      `${where}: the current value of '${def.name}' does not match the filter of '${name}' (RFC 7644 §3.5.2.3).`,
    );
  }
  // idp-dialects #14: replace on a missing typed entry creates it.
  const seed = deriveElement(filter, def);
  if (!seed) {
    throw ScimError.noTarget(
      `${where}: no value of '${def.name}' matches the filter of '${name}' (RFC 7644 §3.5.2.3).`,
    );
  }
  let created: unknown;
  if (def.type !== 'complex') created = value;
  else if (elementSub) created = { ...seed, [elementSub.name]: value };
  else created = isPlainObject(value) ? { ...seed, ...value } : value;
  const next = [...elements, created];
  clearOtherPrimaries(next, [created]);
  write(next);
}

/** RFC 7643 §2.4: the element just marked primary wins; the others' `primary` becomes false. */
function clearOtherPrimaries(elements: unknown[], touched: readonly unknown[]): void {
  if (!touched.some((t) => isPlainObject(t) && t['primary'] === true)) return;
  const mine = new Set(touched);
  elements.forEach((el, i) => {
    if (isPlainObject(el) && el['primary'] === true && !mine.has(el)) elements[i] = { ...el, primary: false };
  });
}

function elementMatchesFilter(element: unknown, filter: FilterNode, def: ScimAttributeDef): boolean {
  if (def.type === 'complex') {
    if (!isPlainObject(element)) return false;
    return matchesFilter(element, filter, {
      resolve: (p: AttrPath) => (p.subAttr === undefined ? findAttribute(def.subAttributes ?? [], p.attr) : undefined),
    });
  }
  // Simple multi-valued values are filtered through the `value` pseudo sub-attribute (RFC 7644 §3.4.2.2).
  const valueDef: ScimAttributeDef = { ...def, name: 'value', multiValued: false };
  return matchesFilter({ value: element }, filter, {
    resolve: (p: AttrPath) => (p.attr.toLowerCase() === 'value' ? valueDef : undefined),
  });
}

/** An element equal to `given` on every sub-attribute `given` names (remove-by-value). */
function elementMatches(element: unknown, given: unknown, def: ScimAttributeDef): boolean {
  if (def.type !== 'complex' || !isPlainObject(given)) return sameValue(element, given, def);
  if (!isPlainObject(element)) return false;
  // Only declared sub-attributes decide (Entra re-adds roles carrying its app-role `id`, issue #16).
  return Object.entries(given).every(([k, v]) => {
    const sub = findAttribute(def.subAttributes ?? [], k);
    if (!sub) return true;
    const ek = existingKey(element, k);
    return ek !== undefined && sameValue(element[ek], v, sub);
  });
}

/**
 * Values of a multi-valued attribute indexed by their `value` sub-attribute (or, for simple types, by
 * the value itself), so "is there an element matching v" costs O(candidates) instead of a scan of
 * every element (elementMatches semantics; values without `value` are scanned — rare, and counted
 * in the PATCH element budget).
 */
class ElementIndex {
  private readonly byValue = new Map<string, unknown[]>();
  private readonly rest: unknown[] = [];
  private readonly valueSub: ScimAttributeDef | undefined;

  constructor(
    private readonly def: ScimAttributeDef,
    elements: readonly unknown[],
  ) {
    this.valueSub = def.type === 'complex' ? findAttribute(def.subAttributes ?? [], 'value') : undefined;
    for (const e of elements) this.add(e);
  }

  add(element: unknown): void {
    const k = this.keyOf(element);
    if (k === undefined) this.rest.push(element);
    else {
      const list = this.byValue.get(k);
      if (list) list.push(element);
      else this.byValue.set(k, [element]);
    }
  }

  /** Some indexed element matches the given value (every sub-attribute `given` names is equal). */
  matches(given: unknown): boolean {
    const k = this.keyOf(given);
    const candidates = k === undefined ? [...this.byValue.values()].flat() : (this.byValue.get(k) ?? []);
    return this.some([...candidates, ...this.rest], (e) => elementMatches(e, given, this.def));
  }

  /** Some indexed given value matches `element` (the remove-by-value direction). */
  anyMatchedBy(element: unknown): boolean {
    const k = this.keyOf(element);
    const candidates = k === undefined ? [] : (this.byValue.get(k) ?? []);
    return this.some([...candidates, ...this.rest], (g) => elementMatches(element, g, this.def));
  }

  private scanned = 0;

  private some(list: readonly unknown[], test: (x: unknown) => boolean): boolean {
    this.scanned += list.length;
    if (this.scanned > PATCH_ELEMENT_BUDGET) {
      throw ScimError.invalidValue(
        `'${this.def.name}': values without a 'value' sub-attribute make this PATCH compare more than ${PATCH_ELEMENT_BUDGET} pairs; split it into smaller requests.`,
      );
    }
    return list.some(test);
  }

  private keyOf(v: unknown): string | undefined {
    if (this.def.type !== 'complex') return valueKey(v, this.def);
    if (!isPlainObject(v) || !this.valueSub) return undefined;
    const ek = existingKey(v, 'value');
    return ek === undefined ? undefined : valueKey(v[ek], this.valueSub);
  }
}

/** The element a conjunction of `eq` tests describes (`type eq "work"` → `{type:"work"}`), if any. */
function deriveElement(filter: FilterNode, def: ScimAttributeDef): Record<string, unknown> | undefined {
  if (filter.kind === 'compare') {
    if (filter.op !== 'eq' || filter.value === null || filter.path.subAttr !== undefined) return undefined;
    const sub = def.type === 'complex' ? findAttribute(def.subAttributes ?? [], filter.path.attr) : undefined;
    if (def.type !== 'complex') return filter.path.attr.toLowerCase() === 'value' ? {} : undefined;
    if (!sub || sub.mutability === 'readOnly') return undefined;
    try {
      const v = normalizeSingleValue(sub, filter.value, sub.name);
      return v === undefined ? undefined : { [sub.name]: v };
    } catch {
      return undefined;
    }
  }
  if (filter.kind === 'and') {
    const left = deriveElement(filter.left, def);
    const right = deriveElement(filter.right, def);
    if (!left || !right) return undefined;
    const conflict = Object.keys(right).some((k) => k in left && !deepEqual(left[k], right[k]));
    return conflict ? undefined : { ...left, ...right };
  }
  return undefined;
}

function setOrDelete(container: ScimResourceJson, key: string, list: unknown[]): void {
  if (list.length === 0) delete container[key];
  else container[key] = list;
}

function withoutKey(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...obj };
  delete copy[key];
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Result checks
// ---------------------------------------------------------------------------------------------

interface ChangedAttribute {
  readonly name: string;
  readonly schemaId?: string;
  readonly attr: string;
}

function changedAttributeNames(
  before: ScimResourceJson,
  after: ScimResourceJson,
  registry: ScimSchemaRegistry,
): ChangedAttribute[] {
  const changed: ChangedAttribute[] = [];
  const lowerMap = (obj: ScimResourceJson) =>
    new Map(Object.entries(obj).map(([k, v]) => [k.toLowerCase(), { key: k, value: v }]));
  const b = lowerMap(before);
  const a = lowerMap(after);
  const keys = new Set([...b.keys(), ...a.keys()]);
  for (const lower of keys) {
    if (lower === 'schemas') continue;
    const bv = b.get(lower);
    const av = a.get(lower);
    const key = (av ?? bv)!.key;
    if (registry.isExtensionUrn(key) && (isPlainObject(bv?.value) || isPlainObject(av?.value))) {
      const bi = lowerMap(isPlainObject(bv?.value) ? bv.value : {});
      const ai = lowerMap(isPlainObject(av?.value) ? av.value : {});
      const schemaId = registry.schemaById(key)?.id ?? key;
      for (const inner of new Set([...bi.keys(), ...ai.keys()])) {
        if (deepEqual(bi.get(inner)?.value, ai.get(inner)?.value)) continue;
        const attr = (ai.get(inner) ?? bi.get(inner))!.key;
        changed.push({ name: `${schemaId}:${attr}`, schemaId, attr });
      }
      continue;
    }
    if (!deepEqual(bv?.value, av?.value)) changed.push({ name: key, attr: key });
  }
  return changed;
}

function validateResult(
  before: ScimResourceJson,
  after: ScimResourceJson,
  changed: readonly ChangedAttribute[],
  resourceType: ScimResourceTypeName,
  registry: ScimSchemaRegistry,
): void {
  if (resourceType === 'User' && changed.some((c) => c.name === 'active') && typeof after['active'] !== 'boolean') {
    // Absent `active` would read as the POST/PUT default (true): a remove must not re-enable a user.
    throw ScimError.invalidValue("Attribute 'active' cannot be removed; replace it with true or false.");
  }
  const required = resourceType === 'User' ? 'userName' : 'displayName';
  const v = after[required];
  if (typeof v !== 'string' || v.trim() === '') {
    throw ScimError.invalidValue(
      `Attribute '${required}' is required and cannot be removed or set empty (RFC 7643 §${resourceType === 'User' ? '4.1.1' : '4.2'}).`,
    );
  }
  for (const c of changed) {
    const resolved = registry.resolve(
      resourceType,
      c.schemaId ? { schema: c.schemaId, attr: c.attr } : { attr: c.attr },
    );
    if (!resolved) continue;
    const { def } = resolved;
    const container = resolved.extension ? extensionContainer(after, resolved.schemaId, false) : after;
    const value = container ? container[existingKey(container, def.name) ?? def.name] : undefined;
    if (def.multiValued && Array.isArray(value)) validateMultiValued(def, value, def.name);
    if (def.mutability === 'immutable') {
      const beforeContainer = resolved.extension ? extensionContainer(before, resolved.schemaId, false) : before;
      const old = beforeContainer ? beforeContainer[existingKey(beforeContainer, def.name) ?? def.name] : undefined;
      if (old !== undefined) throw ScimError.mutability(`Attribute '${c.name}' is immutable once set (RFC 7643 §7).`);
    }
  }
}
