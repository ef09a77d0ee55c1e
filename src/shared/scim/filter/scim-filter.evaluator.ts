import { ScimError } from '../scim-error';
import type { AttrPath, CompareOp, FilterNode } from '../scim-filter.ast';
import type { ScimAttributeDef } from '../scim-schema.types';
import {
  assertOperatorAllowed,
  chainOperands,
  coerceFilterOperand,
  compareCodePoints,
  comparisonKindOf,
  parseScimDateTime,
  toScimBoolean,
  toScimNumber,
  type ComparisonKind,
  type ScimDateTime,
} from './scim-filter.coercion';

/**
 * In-memory evaluation of a FilterNode against ONE element of ONE resource's multi-valued attribute
 * (PATCH value filters `emails[type eq "work"]`, Roster's `attributes=emails[type eq "work"]` projection).
 * Collection queries never come here: they are compiled to SQL in the staging module.
 *
 * Semantics (RFC 7644 §3.4.2.2), shared with the SQL compiler so that both agree:
 * - strings compare case-insensitively unless the attribute is caseExact; unknown attributes are
 *   strings with caseExact=false;
 * - booleans compare as booleans, accepting "True"/"false"… on either side (Entra sends `primary eq "True"`);
 * - integer/decimal compare numerically; dateTime as instants (fractions beyond milliseconds truncated);
 * - `pr` is true when the value is not absent/null/""/[]/{};
 * - `eq null` ≡ not present, `ne null` ≡ present;
 * - `ne` is the exact complement of `eq`: it also matches an absent attribute, and a multi-valued
 *   attribute only when NO value equals the operand (RFC is silent; documented decision);
 * - every other operator on a multi-valued attribute matches when ANY value matches;
 * - gt/ge/lt/le on boolean or binary, co/sw/ew on boolean/number/dateTime, and comparing a singular
 *   complex attribute to a value → ScimError invalidFilter.
 */
export interface FilterEvaluationContext {
  /** Definition of the attribute addressed by `path` (the leaf: the sub-attribute when `path.subAttr` is set). */
  resolve(path: AttrPath): ScimAttributeDef | undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** RFC 7643 §2.1: attribute names are case-insensitive, so keys are looked up ignoring case. */
function getCaseInsensitive(target: unknown, key: string): unknown {
  if (!isPlainObject(target)) return undefined;
  if (Object.prototype.hasOwnProperty.call(target, key)) return target[key];
  const lower = key.toLowerCase();
  for (const candidate of Object.keys(target)) {
    if (candidate.toLowerCase() === lower) return target[candidate];
  }
  return undefined;
}

/** Descends one name; arrays (multi-valued complex) are mapped element-wise so `emails.value` yields all values. */
function step(value: unknown, key: string): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const got = getCaseInsensitive(item, key);
      if (Array.isArray(got)) out.push(...(got as unknown[]));
      else if (got !== undefined) out.push(got);
    }
    return out;
  }
  return getCaseInsensitive(value, key);
}

function lookup(target: unknown, path: AttrPath): unknown {
  // A multi-valued attribute of simple values (e.g. a string array) has elements without keys;
  // RFC 7644 §3.4.2.2 addresses them as `value` inside a value filter.
  if (!isPlainObject(target)) {
    return path.subAttr === undefined && path.schema === undefined && path.attr.toLowerCase() === 'value'
      ? target
      : undefined;
  }
  let base: unknown = target;
  if (path.schema !== undefined) {
    // Extension attributes live under their schema URN (RFC 7643 §3.3); core ones at the top level.
    const scoped = getCaseInsensitive(target, path.schema);
    if (scoped !== undefined) base = scoped;
  }
  let value = step(base, path.attr);
  if (path.subAttr !== undefined) value = step(value, path.subAttr);
  return value;
}

function flatten(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isEmptyNode(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

/**
 * RFC 7644 §3.4.2.2 `pr`: "If the attribute has a non-empty value, or if it contains a non-empty node
 * for complex attributes, there is a match." Absent, null, "", [] and {} are empty; an array or object
 * is present when one of its members is not empty. The SQL compiler implements the same definition.
 */
export function isPresentValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => !isEmptyNode(item));
  if (isPlainObject(value)) return Object.values(value).some((item) => !isEmptyNode(item));
  return !isEmptyNode(value);
}

function label(path: AttrPath): string {
  const base = path.subAttr !== undefined ? `${path.attr}.${path.subAttr}` : path.attr;
  return path.schema !== undefined ? `${path.schema}:${base}` : base;
}

function findSub(def: ScimAttributeDef, name: string): ScimAttributeDef | undefined {
  const lower = name.toLowerCase();
  return def.subAttributes?.find((sub) => sub.name.toLowerCase() === lower);
}

interface Comparison {
  readonly kind: ComparisonKind;
  readonly caseExact: boolean;
  /**
   * A complex attribute compared without a sub-attribute is compared by its `value` sub-attribute:
   * multi-valued ones per RFC 7644 §3.4.2.2, singular ones (`manager eq "id"`) for Entra (idp-dialects #8).
   */
  readonly implicitValue: boolean;
}

function comparisonFor(path: AttrPath, def: ScimAttributeDef | undefined): Comparison {
  if (def === undefined) return { kind: 'string', caseExact: false, implicitValue: false };
  const kind = comparisonKindOf(def.type);
  if (kind !== 'complex')
    return { kind, caseExact: def.type === 'binary' ? true : def.caseExact, implicitValue: false };
  const valueDef = findSub(def, 'value');
  if (valueDef === undefined) {
    throw ScimError.invalidFilter(
      `complex attribute '${label(path)}' cannot be compared to a value; use a sub-attribute`,
    );
  }
  const valueKind = comparisonKindOf(valueDef.type);
  if (valueKind === 'complex') {
    throw ScimError.invalidFilter(
      `complex attribute '${label(path)}' cannot be compared to a value; use a sub-attribute`,
    );
  }
  return { kind: valueKind, caseExact: valueKind === 'binary' ? true : valueDef.caseExact, implicitValue: true };
}

function actualAs(kind: ComparisonKind, actual: unknown): string | number | boolean | ScimDateTime | undefined {
  switch (kind) {
    case 'boolean':
      return toScimBoolean(actual);
    case 'number':
      return toScimNumber(actual);
    case 'dateTime':
      return typeof actual === 'string' ? parseScimDateTime(actual) : undefined;
    case 'string':
    case 'binary':
      if (typeof actual === 'string') return actual;
      if (typeof actual === 'number' || typeof actual === 'boolean') return String(actual);
      return undefined;
  }
}

function order(a: string | number | boolean | ScimDateTime, b: string | number | boolean | ScimDateTime): number {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 0 : a < b ? -1 : 1;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'object' && typeof b === 'object') {
    if (a.epochMs !== b.epochMs) return a.epochMs < b.epochMs ? -1 : 1;
    return 0;
  }
  return Number.NaN;
}

function compareOne(
  op: Exclude<CompareOp, 'ne'>,
  actualRaw: unknown,
  operand: string | number | boolean | ScimDateTime,
  cmp: Comparison,
): boolean {
  const source = cmp.implicitValue && isPlainObject(actualRaw) ? getCaseInsensitive(actualRaw, 'value') : actualRaw;
  let actual = actualAs(cmp.kind, source);
  if (actual === undefined) return false;
  let expected = operand;
  if (typeof actual === 'string' && typeof expected === 'string' && !cmp.caseExact) {
    actual = actual.toLowerCase();
    expected = expected.toLowerCase();
  }
  switch (op) {
    case 'co':
      return typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected);
    case 'sw':
      return typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected);
    case 'ew':
      return typeof actual === 'string' && typeof expected === 'string' && actual.endsWith(expected);
    case 'eq':
      return order(actual, expected) === 0;
    case 'gt':
      return order(actual, expected) > 0;
    case 'ge':
      return order(actual, expected) >= 0;
    case 'lt':
      return order(actual, expected) < 0;
    case 'le':
      return order(actual, expected) <= 0;
  }
}

function evaluateCompare(
  target: unknown,
  node: Extract<FilterNode, { kind: 'compare' }>,
  ctx: FilterEvaluationContext,
): boolean {
  const def = ctx.resolve(node.path);
  const attrLabel = label(node.path);
  if (node.value === null) {
    // `eq null` / `ne null` test absence / presence; no other operator is meaningful with null.
    if (node.op !== 'eq' && node.op !== 'ne') {
      throw ScimError.invalidFilter(`operator '${node.op}' cannot be used with null (attribute '${attrLabel}')`);
    }
    const present = isPresentValue(lookup(target, node.path));
    return node.op === 'eq' ? !present : present;
  }
  const cmp = comparisonFor(node.path, def);
  assertOperatorAllowed(cmp.kind, node.op, attrLabel);
  const operand = coerceFilterOperand(cmp.kind, node.value, attrLabel);
  const values = flatten(lookup(target, node.path));
  if (node.op === 'ne') return !values.some((value) => compareOne('eq', value, operand, cmp));
  const op = node.op;
  return values.some((value) => compareOne(op, value, operand, cmp));
}

function evaluateValuePath(
  target: unknown,
  node: Extract<FilterNode, { kind: 'valuePath' }>,
  ctx: FilterEvaluationContext,
): boolean {
  if (node.path.subAttr !== undefined) {
    throw ScimError.invalidFilter(`a value filter must follow a multi-valued attribute, not '${label(node.path)}'`);
  }
  const outer = node.path;
  // Paths inside the brackets are relative to the addressed attribute (RFC 7644 §3.4.2.2 valuePath).
  const inner: FilterEvaluationContext = {
    resolve: (path) =>
      path.schema === undefined && path.subAttr === undefined
        ? ctx.resolve({
            ...(outer.schema !== undefined ? { schema: outer.schema } : {}),
            attr: outer.attr,
            subAttr: path.attr,
          })
        : undefined,
  };
  const elements = flatten(lookup(target, outer));
  if (elements.length === 0) {
    // Still evaluate once against an empty element so operator/type errors do not depend on the data.
    evaluate({}, node.filter, inner);
    return false;
  }
  return elements.map((element) => evaluate(element, node.filter, inner)).some(Boolean);
}

function evaluate(target: unknown, root: FilterNode, ctx: FilterEvaluationContext): boolean {
  switch (root.kind) {
    case 'compare':
      return evaluateCompare(target, root, ctx);
    case 'present':
      return isPresentValue(lookup(target, root.path));
    case 'not':
      return !evaluate(target, root.expr, ctx);
    case 'valuePath':
      return evaluateValuePath(target, root, ctx);
    case 'and':
    case 'or': {
      // Left-deep chains (`a and b and c …`) can be ~1000 long: walk the spine iteratively, then
      // evaluate the operands left to right with short-circuiting.
      const operands = chainOperands(root);
      // No short-circuit: operator/type errors (invalidFilter) must not depend on the data.
      const results = operands.map((operand) => evaluate(target, operand, ctx));
      return root.kind === 'and' ? results.every(Boolean) : results.some(Boolean);
    }
    default:
      throw ScimError.invalidFilter('unsupported filter node');
  }
}

/**
 * True when `element` (one value of a multi-valued attribute, or any JSON object) satisfies `filter`.
 * Throws only ScimError (`invalidFilter`) — for operator/type mismatches, never for odd data.
 */
export function matchesFilter(element: unknown, filter: FilterNode, ctx: FilterEvaluationContext): boolean {
  try {
    return evaluate(element, filter, ctx);
  } catch (error) {
    if (error instanceof ScimError) throw error;
    if (error instanceof RangeError) throw ScimError.invalidFilter('filter is nested too deeply to evaluate');
    throw error;
  }
}
