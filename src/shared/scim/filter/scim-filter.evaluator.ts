import { ScimError } from '../scim-error';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../scim-filter.ast';
import type { ScimAttributeDef, ScimAttributeType } from '../scim-schema.types';

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

/** A dateTime value parsed per RFC 7643 §2.3.5 (xsd:dateTime / RFC 3339), at millisecond precision. */
export interface ScimDateTime {
  /** Milliseconds since the epoch (sub-millisecond digits truncated). */
  readonly epochMs: number;
  /** Normalised UTC form, e.g. `2011-05-13T04:42:34.123Z`. */
  readonly iso: string;
}

function digitsAt(text: string, start: number, count: number): number | undefined {
  if (start + count > text.length) return undefined;
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return undefined;
    value = value * 10 + code;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parses `YYYY-MM-DD[(T|t| )hh:mm:ss[.fraction][Z|±hh:mm|±hhmm]]` by hand (no backtracking regex).
 * RFC 7643 §2.3.5 allows any number of fractional digits; Entra emits 7 (`…34.1234567Z`). Roster
 * compares instants at millisecond precision — the precision it renders `meta` timestamps with — so
 * extra digits are truncated (the SQL compiler truncates stored values the same way). A missing
 * offset means UTC.
 * Returns undefined when the text is not a valid dateTime (including impossible dates like 02-30).
 */
export function parseScimDateTime(text: string): ScimDateTime | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  if (text[4] !== '-' || text[7] !== '-') return undefined;
  // PostgreSQL rejects year 0000; so do we (keeps the evaluator and the SQL compiler in agreement).
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;

  let hour = 0;
  let minute = 0;
  let second = 0;
  let millis = 0;
  let offsetMinutes = 0;
  let i = 10;
  if (i < text.length) {
    const sep = text[i];
    if (sep !== 'T' && sep !== 't' && sep !== ' ') return undefined;
    const h = digitsAt(text, i + 1, 2);
    const m = digitsAt(text, i + 4, 2);
    const s = digitsAt(text, i + 7, 2);
    if (h === undefined || m === undefined || s === undefined) return undefined;
    if (text[i + 3] !== ':' || text[i + 6] !== ':') return undefined;
    if (h > 23 || m > 59 || s > 59) return undefined;
    hour = h;
    minute = m;
    second = s;
    i += 9;
    if (text[i] === '.') {
      i += 1;
      const start = i;
      while (i < text.length && text[i] >= '0' && text[i] <= '9') i += 1;
      if (i === start) return undefined;
      millis = Number(text.slice(start, Math.min(i, start + 3)).padEnd(3, '0'));
    }
    if (i < text.length) {
      const zone = text[i];
      if (zone === 'Z' || zone === 'z') {
        i += 1;
      } else if (zone === '+' || zone === '-') {
        const oh = digitsAt(text, i + 1, 2);
        const colon = text[i + 3] === ':' ? 1 : 0;
        const om = digitsAt(text, i + 3 + colon, 2);
        // PostgreSQL accepts offsets up to ±15:59.
        if (oh === undefined || om === undefined || oh > 15 || om > 59) return undefined;
        offsetMinutes = (zone === '+' ? 1 : -1) * (oh * 60 + om);
        i += 5 + colon;
      } else {
        return undefined;
      }
    }
    if (i !== text.length) return undefined;
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const epochMs = date.getTime() - offsetMinutes * 60_000;
  const iso = new Date(epochMs).toISOString();
  // The offset may push the instant outside 0001–9999 (PostgreSQL rejects year 0000 input).
  if (!/^\d{4}-/.test(iso) || iso.startsWith('0000')) return undefined;
  return { epochMs, iso };
}

/** Boolean forms accepted on either side of a comparison: JSON booleans and "true"/"false" in any case. */
export function toScimBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/**
 * RFC 8259 §6 number grammar (no nested quantifiers, so matching is linear), with the exponent capped
 * at three digits exactly like the SQL guard `NUMERIC_SHAPE` of the staging filter compiler.
 */
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?$/;

/**
 * Numbers accepted on either side: JSON numbers and numeric strings in JSON number syntax (some
 * IdPs quote everything). Hex, "Infinity", ".5" and the like are not numbers.
 */
export function toScimNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.length > 400 || !JSON_NUMBER.test(trimmed)) return undefined;
    const parsed = Number(trimmed);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** How a comparison is performed, derived from the attribute definition. */
export type ComparisonKind = 'string' | 'boolean' | 'number' | 'dateTime' | 'binary';

export function comparisonKindOf(type: ScimAttributeType): ComparisonKind | 'complex' {
  switch (type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'decimal':
      return 'number';
    case 'dateTime':
      return 'dateTime';
    case 'binary':
      return 'binary';
    case 'complex':
      return 'complex';
    case 'string':
    case 'reference':
      return 'string';
  }
}

const ORDERING_OPS: ReadonlySet<CompareOp> = new Set<CompareOp>(['gt', 'ge', 'lt', 'le']);
const SUBSTRING_OPS: ReadonlySet<CompareOp> = new Set<CompareOp>(['co', 'sw', 'ew']);

/**
 * Rejects operator/type combinations RFC 7644 §3.4.2.2 does not define. Used by the evaluator and by
 * the SQL compiler so both refuse exactly the same filters, independently of stored data.
 */
export function assertOperatorAllowed(kind: ComparisonKind, op: CompareOp, attrLabel: string): void {
  // RFC 7644 §3.4.2.2: "Boolean and Binary attributes SHALL cause a failed response (HTTP 400 / invalidFilter)" for gt/ge/lt/le.
  if (ORDERING_OPS.has(op) && (kind === 'boolean' || kind === 'binary')) {
    throw ScimError.invalidFilter(`operator '${op}' is not defined for ${kind} attribute '${attrLabel}'`);
  }
  // co/sw/ew are substring operators; on booleans, numbers and instants they have no meaning.
  if (SUBSTRING_OPS.has(op) && (kind === 'boolean' || kind === 'number' || kind === 'dateTime')) {
    throw ScimError.invalidFilter(`operator '${op}' is not defined for ${kind} attribute '${attrLabel}'`);
  }
}

/** Converts the filter's literal to the attribute's kind or throws invalidFilter. `null` is handled by callers. */
export function coerceFilterOperand(
  kind: ComparisonKind,
  value: Exclude<FilterValue, null>,
  attrLabel: string,
): string | number | boolean | ScimDateTime {
  switch (kind) {
    case 'boolean': {
      const parsed = toScimBoolean(value);
      if (parsed === undefined) {
        throw ScimError.invalidFilter(
          `attribute '${attrLabel}' is boolean; expected true or false, got ${JSON.stringify(value)}`,
        );
      }
      return parsed;
    }
    case 'number': {
      const parsed = toScimNumber(value);
      if (parsed === undefined) {
        throw ScimError.invalidFilter(
          `attribute '${attrLabel}' is numeric; expected a number, got ${JSON.stringify(value)}`,
        );
      }
      return parsed;
    }
    case 'dateTime': {
      const parsed = typeof value === 'string' ? parseScimDateTime(value) : undefined;
      if (parsed === undefined) {
        throw ScimError.invalidFilter(
          `attribute '${attrLabel}' is a dateTime; expected an RFC 3339 timestamp string, got ${JSON.stringify(value)}`,
        );
      }
      return parsed;
    }
    case 'string':
    case 'binary':
      // Leniency: `employeeNumber eq 42` compares with "42".
      return String(value);
  }
}

/** Compares strings by Unicode code point, matching PostgreSQL's `COLLATE "C"` on UTF-8 data. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done === true) return cb.done === true ? 0 : -1;
    if (cb.done === true) return 1;
    const da = ca.value.codePointAt(0) ?? 0;
    const db = cb.value.codePointAt(0) ?? 0;
    if (da !== db) return da < db ? -1 : 1;
  }
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

type LogicalNode = Extract<FilterNode, { kind: 'and' | 'or' }>;

/** Flattens a left-deep `a and b and c` spine into [a, b, c] without recursion. */
export function chainOperands(root: LogicalNode): FilterNode[] {
  const operands: FilterNode[] = [root.right];
  let spine: FilterNode = root.left;
  while ((spine.kind === 'and' || spine.kind === 'or') && spine.kind === root.kind) {
    operands.push(spine.right);
    spine = spine.left;
  }
  operands.push(spine);
  return operands.reverse();
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
