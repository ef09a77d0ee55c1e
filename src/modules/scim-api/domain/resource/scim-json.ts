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
 * values, which are stored as sent; `__proto__` keys (an own key after JSON.parse) are dropped.
 */
export function stripNulls(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map(stripNulls).filter((x) => x !== undefined);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '__proto__') continue;
      const s = stripNulls(x);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return v;
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
