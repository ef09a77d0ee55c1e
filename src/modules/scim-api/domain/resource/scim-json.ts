import { ScimError } from '../../../../shared/scim/scim-error';
import type { ScimAttributeDef } from '../../../../shared/scim/scim-schema.types';
import { findAttribute } from '../../../../shared/scim/schemas/scim-schema.registry';

// JSON helpers shared by the resource and PATCH normalisers, the PATCH applier and the projection.

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own key of `obj` equal to `name` ignoring case (RFC 7643 §2.1), or undefined. */
export function existingKey(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

export function getCaseInsensitive(obj: Record<string, unknown>, name: string): unknown {
  const key = existingKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

/**
 * Deep copy without nulls (idp-dialects #11); null at the top → undefined. Used for open-extension
 * values, which are stored as sent; a `__proto__` key (an own key after JSON.parse) is invalidValue.
 * With `maxValues`, an array longer than SCIM_MAX_MULTI_VALUED is invalidValue at `where`.
 */
export function stripNulls(v: unknown, maxValues = Infinity, where = '', share = false): unknown {
  // `share`: a value with nothing to strip or refuse is returned as it is, not copied — for a caller
  // that never mutates it (a 2 MiB open extension is then walked once, not rebuilt).
  if (share && v !== null && v !== undefined && isClean(v, maxValues)) return v;
  return strip(v, maxValues, where === '' ? [] : [where]);
}

/** No null, no `__proto__` key and no array longer than `maxValues` anywhere in `v`. */
function isClean(v: unknown, maxValues: number): boolean {
  if (Array.isArray(v)) {
    if (v.length > maxValues) return false;
    for (const x of v) if (x === null || (typeof x === 'object' && !isClean(x, maxValues))) return false;
    return true;
  }
  if (isPlainObject(v)) {
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if (k === '__proto__') return false;
      const x = v[k];
      if (x === null || (typeof x === 'object' && !isClean(x, maxValues))) return false;
    }
  }
  return true;
}

/** `path` is the key path so far, joined only for an error message (no string per key of a 2 MiB body). */
function strip(v: unknown, maxValues: number, path: string[]): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length > maxValues) assertMaxValues(v.length, maxValues, path.join('.'));
    const out: unknown[] = [];
    for (const x of v) {
      const s = strip(x, maxValues, path);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      // Assigning it would replace the object's prototype; refused rather than dropped.
      if (k === '__proto__') {
        throw ScimError.invalidValue(`'${clip([...path, k].join('.'))}': "__proto__" cannot be an attribute name.`);
      }
      path.push(k);
      const s = strip(v[k], maxValues, path);
      path.pop();
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return v;
}

/** SCIM_MAX_MULTI_VALUED (issue #17): more values than this in one attribute is invalidValue. */
export function assertMaxValues(count: number, maxValues: number, where: string): void {
  if (count > maxValues) {
    throw ScimError.invalidValue(
      `Attribute '${clip(where)}' has ${count} values; at most ${maxValues} are accepted per multi-valued attribute.`,
    );
  }
}

/**
 * A string equal for two values exactly when `sameValue` says they are equal (keys of a normalised
 * complex value are canonical sub-attribute names; strings fold case unless caseExact).
 */
export function valueKey(value: unknown, def: ScimAttributeDef): string {
  if (typeof value === 'string') return `s${def.caseExact ? value : value.toLowerCase()}`;
  if (def.type === 'complex' && isPlainObject(value)) {
    // Length-prefixed parts in key order: unambiguous without building arrays of pairs per value.
    const keys = Object.keys(value);
    if (keys.length > 1) keys.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    const subs = def.subAttributes ?? [];
    let key = 'c';
    for (const k of keys) {
      const sub = findAttribute(subs, k);
      const text = sub ? valueKey(value[k], sub) : stableJson(value[k]);
      key += `${k.length}:${k.toLowerCase()}${text.length}:${text}`;
    }
    return key;
  }
  return `j${stableJson(value)}`;
}

/** JSON with object keys sorted: equal for values `deepEqual` calls equal. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

/** Equality of two values of `def`, honouring caseExact for strings (RFC 7643 §2.2). */
export function sameValue(a: unknown, b: unknown, def: ScimAttributeDef): boolean {
  if (typeof a === 'string' && typeof b === 'string')
    return def.caseExact ? a === b : a.toLowerCase() === b.toLowerCase();
  if (def.type === 'complex' && isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => {
      const sub = findAttribute(def.subAttributes ?? [], k);
      const other = getCaseInsensitive(b, k);
      return sub ? sameValue(a[k], other, sub) : deepEqual(a[k], other);
    });
  }
  return deepEqual(a, b);
}

export function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
