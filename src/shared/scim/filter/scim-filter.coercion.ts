import { ScimError } from '../scim-error';
import type { CompareOp, FilterNode, FilterValue } from '../scim-filter.ast';
import type { ScimAttributeType } from '../scim-schema.types';

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

interface TimeOfDay {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millis: number;
  readonly offsetMinutes: number;
}

const MIDNIGHT_UTC: TimeOfDay = { hour: 0, minute: 0, second: 0, millis: 0, offsetMinutes: 0 };

/** `(T|t| )hh:mm:ss[.fraction][Z|±hh:mm|±hhmm]` from `start` to the end of `text`; undefined when it is not one. */
function parseTimeOfDay(text: string, start: number): TimeOfDay | undefined {
  const sep = text[start];
  if (sep !== 'T' && sep !== 't' && sep !== ' ') return undefined;
  const hour = digitsAt(text, start + 1, 2);
  const minute = digitsAt(text, start + 4, 2);
  const second = digitsAt(text, start + 7, 2);
  if (hour === undefined || minute === undefined || second === undefined) return undefined;
  if (text[start + 3] !== ':' || text[start + 6] !== ':') return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let i = start + 9;
  let millis = 0;
  if (text[i] === '.') {
    i += 1;
    const fraction = i;
    while (i < text.length && text[i] >= '0' && text[i] <= '9') i += 1;
    if (i === fraction) return undefined;
    millis = Number(text.slice(fraction, Math.min(i, fraction + 3)).padEnd(3, '0'));
  }
  let offsetMinutes = 0;
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
  return i === text.length ? { hour, minute, second, millis, offsetMinutes } : undefined;
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
  const time = text.length > 10 ? parseTimeOfDay(text, 10) : MIDNIGHT_UTC;
  if (!time) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(time.hour, time.minute, time.second, time.millis);
  const epochMs = date.getTime() - time.offsetMinutes * 60_000;
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
