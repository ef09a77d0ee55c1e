import { ScimError } from '../../../../shared/scim/scim-error';

/**
 * Deepest JSON nesting a SCIM body may have. Real resources stay below 8 (PATCH → Operations → op →
 * value → extension → attribute → element); open extensions get generous room. Deeper bodies would
 * exhaust the stack of the recursive normalisers, JSON.stringify and the raw-payload copy (a 500).
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Most members one JSON object of a SCIM body may have. Real resources have a few dozen attributes;
 * an object with 100,000 keys costs V8 far more per key than an array (issue #17).
 */
export const MAX_OBJECT_KEYS = 1000;

/** U+0000, or a UTF-16 surrogate without its partner (JSON `"\ud800"`): valid JSON, unstorable text. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL text cannot store
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Rejects a SCIM POST/PUT/PATCH body the service cannot process or store, before any normaliser
 * walks it:
 * - nesting deeper than MAX_BODY_DEPTH → invalidSyntax;
 * - an object with more than MAX_OBJECT_KEYS members → invalidValue naming it;
 * - a string or key PostgreSQL cannot hold → invalidValue: `text` refuses NUL, `jsonb` refuses
 *   `\u0000` and unpaired surrogates (RFC 8259 §8.2 leaves such strings' meaning unpredictable). Every
 *   string and key counts — the whole body is kept as `raw_payload`, unknown attributes included.
 * Without this the INSERT (or the stack) fails and the client gets a 500 for a body it can fix.
 * Iterative, so the check itself cannot exhaust the stack.
 */
export function assertAcceptableBody(body: unknown): void {
  // Paths are only rendered for the error: each frame links to its parent (this runs on every write).
  const stack: Frame[] = [{ value: body, depth: 0, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value, depth } = frame;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) throw unstorable(pathOf(frame));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) {
      throw ScimError.invalidSyntax(
        `The request body is nested deeper than ${MAX_BODY_DEPTH} levels (at '${clipPath(pathOf(frame))}').`,
      );
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], depth: depth + 1, parent: frame, key: i });
      continue;
    }
    let keys = 0;
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      if (++keys > MAX_OBJECT_KEYS) {
        throw ScimError.invalidValue(
          `The object at '${clipPath(pathOf(frame))}' has more than ${MAX_OBJECT_KEYS} attributes; at most ${MAX_OBJECT_KEYS} are accepted.`,
        );
      }
      if (UNSTORABLE.test(k)) throw unstorable(pathOf({ value: undefined, depth, parent: frame, key: k }), 'name');
      stack.push({ value: (value as Record<string, unknown>)[k], depth: depth + 1, parent: frame, key: k });
    }
  }
}

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  /** Index in the parent array, or key in the parent object; undefined for the body itself. */
  readonly key: string | number | undefined;
}

/** `emails[0].value`-style path of a frame, keys made printable. */
function pathOf(frame: Frame): string {
  const parts: string[] = [];
  for (let f: Frame | undefined = frame; f && f.key !== undefined; f = f.parent) {
    parts.push(
      typeof f.key === 'number' ? `[${f.key}]` : `${f.parent?.key === undefined ? '' : '.'}${printable(f.key)}`,
    );
  }
  return parts.reverse().join('');
}

const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

function printable(k: string): string {
  const safe = k.replace(UNSTORABLE_ALL, '\uFFFD');
  return safe.length > 60 ? `${safe.slice(0, 60)}…` : safe;
}

function clipPath(path: string): string {
  if (path === '') return '(body)';
  return path.length > 120 ? `…${path.slice(-120)}` : path;
}

function unstorable(path: string, what: 'value' | 'name' = 'value'): ScimError {
  return ScimError.invalidValue(
    `The ${what} at '${clipPath(path)}' contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored.`,
  );
}
