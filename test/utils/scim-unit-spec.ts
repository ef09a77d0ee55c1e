import { ScimError } from '../../src/shared/scim/scim-error';

/**
 * The schema URNs the SCIM unit specs (normalisers, PATCH, projection) write resources and paths with,
 * spelled out rather than taken from the schemas under test.
 */
export const SPEC_URNS = {
  USER: 'urn:ietf:params:scim:schemas:core:2.0:User',
  GROUP: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  ENT: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  /** Open extension: every key is stored as sent. */
  META: 'urn:ietf:params:scim:schemas:extension:2.0:Metadata',
  /** Declares the multi-valued `folders`. */
  CEN: 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName',
  /** Declares `tag` (Microsoft's custom-attribute example). */
  CENU: 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User',
  /** A customer extension no schema declares. */
  SJ: 'urn:ietf:params:scim:schemas:extension:SJUserAttributes:2.0:User',
} as const;

/** A PatchOp request body of the given operations. */
export const patchBody = (...ops: unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});

/** The ScimError `fn` throws; fails the test when it throws anything else or nothing. */
export function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw new Error(`expected a ScimError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a ScimError, but nothing was thrown');
}

/** A copy of a JSON tree with its `pick`-th node (modulo the node count) replaced; for fuzzing with mutated bodies. */
export function replaceNode(root: unknown, pick: number, replacement: unknown): unknown {
  const nodes: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (nodes.push({ parent: v, key: i }), walk(x)));
    else if (typeof v === 'object' && v !== null)
      Object.entries(v).forEach(([k, x]) => (nodes.push({ parent: v as Record<string, unknown>, key: k }), walk(x)));
  };
  const copy = structuredClone(root);
  walk(copy);
  if (nodes.length === 0) return replacement;
  const { parent, key } = nodes[pick % nodes.length];
  (parent as Record<string | number, unknown>)[key] = replacement;
  return copy;
}
