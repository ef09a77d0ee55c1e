/** RFC 7643 §7 schema definition shapes, as served by `/Schemas` and used to interpret resources. */
export type ScimAttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';

export interface ScimAttributeDef {
  readonly name: string;
  readonly type: ScimAttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  readonly returned: 'always' | 'never' | 'default' | 'request';
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly subAttributes?: readonly ScimAttributeDef[];
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
}

export interface ScimSchemaDef {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly ScimAttributeDef[];
}

export type ScimResourceTypeName = 'User' | 'Group';

/**
 * An attribute path resolved against the schemas of a resource type. `def` is the top-level
 * attribute, `sub` the sub-attribute when the path named one; `extension` is true when the
 * attribute lives under an extension schema URN key in the resource JSON.
 */
export interface ResolvedAttr {
  readonly schemaId: string;
  readonly def: ScimAttributeDef;
  readonly sub?: ScimAttributeDef;
  readonly extension: boolean;
  /** An attribute no schema declares (open or undeclared extension attribute): stored as sent. */
  readonly open?: boolean;
}
