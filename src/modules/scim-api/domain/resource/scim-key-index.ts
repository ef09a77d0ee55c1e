import { isPlainObject } from './scim-json';

type JsonObject = Record<string, unknown>;

/**
 * Case-insensitive own-key lookup (RFC 7643 §2.1) on the objects one request builds or patches: each
 * object's keys are indexed once and the index is kept current on every write or delete, so n
 * assignments or operations cost O(n), not the O(n²) of a key scan per assignment.
 */
export class KeyIndex {
  private readonly maps = new WeakMap<object, Map<string, string>>();

  /** The own key of `obj` equal to `name` ignoring case (the first spelling when several are). */
  find(obj: JsonObject, name: string): string | undefined {
    if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
    const key = this.index(obj).get(name.toLowerCase());
    return key !== undefined && Object.prototype.hasOwnProperty.call(obj, key) ? key : undefined;
  }

  set(obj: JsonObject, key: string, value: unknown): void {
    obj[key] = value;
    this.touched(obj, key);
  }

  /** Records that `key` of `obj` was written or deleted by the caller. */
  touched(obj: JsonObject, key: string): void {
    const m = this.index(obj);
    const lower = key.toLowerCase();
    if (Object.prototype.hasOwnProperty.call(obj, key)) m.set(lower, key);
    else if (m.get(lower) === key) m.delete(lower);
  }

  /** The object under an extension URN key, or undefined when there is none. */
  existingContainer(resource: JsonObject, schemaId: string): JsonObject | undefined {
    const key = this.find(resource, schemaId);
    const existing = key === undefined ? undefined : resource[key];
    return isPlainObject(existing) ? existing : undefined;
  }

  /** The object under an extension URN key, created on demand (see extensionContainer). */
  container(resource: JsonObject, schemaId: string): JsonObject {
    const existing = this.existingContainer(resource, schemaId);
    if (existing) return existing;
    const container: JsonObject = {};
    this.set(resource, this.find(resource, schemaId) ?? schemaId, container);
    return container;
  }

  private index(obj: object): Map<string, string> {
    let m = this.maps.get(obj);
    if (!m) {
      m = new Map();
      for (const k of Object.keys(obj)) if (!m.has(k.toLowerCase())) m.set(k.toLowerCase(), k);
      this.maps.set(obj, m);
    }
    return m;
  }
}
