/**
 * AST of RFC 7644 §3.4.2.2 filters and of attribute paths (§3.5.2 PATCH `path`, `sortBy`,
 * `attributes`/`excludedAttributes`). Names are kept as the client wrote them; resolving them
 * against a schema (case-insensitively, RFC 7643 §2.1) is the consumer's job.
 */

/** `urn:…:User:name.givenName` → { schema: 'urn:…:User', attr: 'name', subAttr: 'givenName' } */
export interface AttrPath {
  /** Schema URN prefix when the path was URN-qualified, without the trailing ':'. */
  readonly schema?: string;
  readonly attr: string;
  readonly subAttr?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** JSON literal of a comparison. Unquoted barewords that are not true/false/null/number become strings. */
export type FilterValue = string | number | boolean | null;

export type FilterNode =
  | { readonly kind: 'compare'; readonly path: AttrPath; readonly op: CompareOp; readonly value: FilterValue }
  | { readonly kind: 'present'; readonly path: AttrPath }
  | { readonly kind: 'and'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly expr: FilterNode }
  /**
   * `emails[type eq "work" and value co "@acme"]` — true when one element of the multi-valued
   * attribute satisfies `filter`, whose paths are relative to the element (attr = sub-attribute name).
   * Entra's `emails[type eq "work"].value eq "x"` is desugared by the parser to
   * valuePath(emails, and(type eq "work", value eq "x")).
   */
  | { readonly kind: 'valuePath'; readonly path: AttrPath; readonly filter: FilterNode };

/**
 * A PATCH operation path (RFC 7644 §3.5.2): `attrPath` or `valuePath [ "." subAttr ]`.
 * `members[value eq "2819c223"]` → { path: {attr:'members'}, valueFilter: … }
 * `emails[type eq "work"].value` → { path: {attr:'emails'}, valueFilter: …, subAttr: 'value' }
 * `name.givenName`            → { path: {attr:'name', subAttr:'givenName'} }
 */
export interface PatchPath {
  readonly path: AttrPath;
  readonly valueFilter?: FilterNode;
  /** Sub-attribute addressed after a value filter. */
  readonly subAttr?: string;
}
