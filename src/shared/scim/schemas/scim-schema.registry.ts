import type { AttrPath } from '../scim-filter.ast';
import type { ResolvedAttr, ScimAttributeDef, ScimResourceTypeName, ScimSchemaDef } from '../scim-schema.types';
import { SCIM_SCHEMA } from '../scim.constants';
import { CUSTOM_USER_EXTENSION_SCHEMAS, OPEN_EXTENSION_URNS } from './custom-extensions.schema';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user.schema';
import { GROUP_SCHEMA } from './group.schema';
import { USER_SCHEMA } from './user.schema';

/** The schemas of one resource type: its core schema and its extensions, in `/ResourceTypes` order. */
export interface ScimResourceSchemas {
  readonly core: ScimSchemaDef;
  readonly extensions: readonly ScimSchemaDef[];
}

export interface ScimSchemaRegistryOptions {
  /** Defaults to enterprise + the custom extensions of `custom-extensions.schema.ts`. */
  readonly userExtensions?: readonly ScimSchemaDef[];
  readonly groupExtensions?: readonly ScimSchemaDef[];
  /** Declared extensions that also accept undeclared attribute names. */
  readonly openExtensionUrns?: readonly string[];
  /** Most values of one multi-valued attribute (SCIM_MAX_MULTI_VALUED). */
  readonly maxMultiValued?: number;
}

/** Default of SCIM_MAX_MULTI_VALUED. */
export const DEFAULT_MAX_MULTI_VALUED = 10_000;

/** URNs that name a core resource or a protocol message — never an extension. */
const NON_EXTENSION_URNS: readonly string[] = [
  SCIM_SCHEMA.USER,
  SCIM_SCHEMA.GROUP,
  SCIM_SCHEMA.SERVICE_PROVIDER_CONFIG,
  SCIM_SCHEMA.RESOURCE_TYPE,
  SCIM_SCHEMA.SCHEMA,
].map((u) => u.toLowerCase());
const MESSAGE_URN_PREFIX = 'urn:ietf:params:scim:api:messages:';
/** RFC 8141 shape, loosely: `urn:<nid>:<nss>` with no whitespace. */
const URN_SHAPE = /^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i;

/**
 * Schema knowledge for the SCIM API: which schemas a resource type has and what an attribute path
 * means. Pure data, no Nest — wrap it in a provider at the module edge.
 *
 * Resolution rules (RFC 7643 §2.1 "attribute names are case insensitive"; RFC 7644 §3.10):
 * - Schema URNs and attribute names match case-insensitively; the returned defs carry the canonical
 *   case, which callers use to store the resource.
 * - A path without a URN is looked up in the core schema first, then in the declared extensions in
 *   registry order (so `employeeNumber` or `manager` resolve to the enterprise extension).
 * - A URN-qualified core path (`urn:…:core:2.0:User:name.familyName`, idp-dialects #18) resolves to
 *   the core attribute, `extension: false`.
 * - Legacy customappsso dot notation (`urn:…:enterprise:2.0:User.department`, MS-COMPAT) is repaired.
 * - Open extensions: an extension URN that is not declared (any `urn:` that is not a core/message URN),
 *   or a declared one listed as open (Metadata), resolves ANY attribute name to a synthetic string def
 *   with `extension: true` and the name as sent; values of such attributes are stored as sent.
 * - Everything else is `undefined` (an unknown core attribute).
 */
export class ScimSchemaRegistry {
  private readonly byType: Record<ScimResourceTypeName, ScimResourceSchemas>;
  /** Most values one multi-valued attribute may hold; more is invalidValue (issue #17). */
  readonly maxMultiValued: number;
  private readonly openUrns: ReadonlySet<string>;
  private readonly schemas: readonly ScimSchemaDef[];
  /** Lower-cased ids, for the case-insensitive lookups on every request (maps, not scans). */
  private readonly schemaIdsLower: ReadonlySet<string>;
  private readonly byTypeAndId: Record<ScimResourceTypeName, ReadonlyMap<string, ScimSchemaDef>>;
  private readonly longestFirst: Record<
    ScimResourceTypeName,
    ReadonlyArray<{ readonly schema: ScimSchemaDef; readonly idLower: string }>
  >;

  constructor(options: ScimSchemaRegistryOptions = {}) {
    this.byType = {
      User: {
        core: USER_SCHEMA,
        extensions: options.userExtensions ?? [ENTERPRISE_USER_SCHEMA, ...CUSTOM_USER_EXTENSION_SCHEMAS],
      },
      Group: { core: GROUP_SCHEMA, extensions: options.groupExtensions ?? [] },
    };
    this.maxMultiValued = options.maxMultiValued ?? DEFAULT_MAX_MULTI_VALUED;
    this.openUrns = new Set((options.openExtensionUrns ?? OPEN_EXTENSION_URNS).map((u) => u.toLowerCase()));
    this.schemas = distinctSchemas(this.byType);
    this.schemaIdsLower = new Set(this.schemas.map((sc) => sc.id.toLowerCase()));
    const index = (t: ScimResourceTypeName) => {
      const { core, extensions } = this.byType[t];
      return new Map([...extensions, core].map((sc) => [sc.id.toLowerCase(), sc] as const));
    };
    this.byTypeAndId = { User: index('User'), Group: index('Group') };
    const longest = (t: ScimResourceTypeName) =>
      [this.byType[t].core, ...this.byType[t].extensions]
        .sort((a, b) => b.id.length - a.id.length)
        .map((schema) => ({ schema, idLower: schema.id.toLowerCase() }));
    this.longestFirst = { User: longest('User'), Group: longest('Group') };
  }

  /** The resource type's declared schemas (core and extensions), longest id first, ids lower-cased. */
  declaredLongestFirst(
    resourceType: ScimResourceTypeName,
  ): ReadonlyArray<{ readonly schema: ScimSchemaDef; readonly idLower: string }> {
    return this.longestFirst[resourceType];
  }

  schemasFor(resourceType: ScimResourceTypeName): ScimResourceSchemas {
    return this.byType[resourceType];
  }

  /** Every distinct schema (core User, core Group, then extensions) — the `/Schemas` list. */
  allSchemas(): readonly ScimSchemaDef[] {
    return this.schemas;
  }

  /** A declared schema by id (case-insensitive), whatever resource type it belongs to. */
  schemaById(id: string): ScimSchemaDef | undefined {
    const lower = id.toLowerCase();
    return this.allSchemas().find((s) => s.id.toLowerCase() === lower);
  }

  /** The core schema or a declared extension of `resourceType` with this id (case-insensitive). */
  findSchema(resourceType: ScimResourceTypeName, urn: string): ScimSchemaDef | undefined {
    return this.byTypeAndId[resourceType].get(urn.toLowerCase());
  }

  /**
   * True when `s` names an extension schema: a declared extension (any resource type), or any string
   * shaped like a URN that is not a core resource/message URN and not a core-qualified attribute path.
   * Whether a URN-shaped key is a container or `urn:…:attr` is decided by the caller (value is an object
   * or not) — see the resource normaliser.
   */
  isExtensionUrn(s: string): boolean {
    const lower = s.trim().toLowerCase();
    if (this.schemaIdsLower.has(lower)) {
      return !NON_EXTENSION_URNS.includes(lower);
    }
    if (!URN_SHAPE.test(lower) || lower.startsWith(MESSAGE_URN_PREFIX)) return false;
    return !NON_EXTENSION_URNS.some((core) => lower === core || lower.startsWith(`${core}:`));
  }

  /** True when attributes under this extension URN are stored as sent (undeclared or declared-open). */
  isOpenExtension(resourceType: ScimResourceTypeName, urn: string): boolean {
    const lower = urn.toLowerCase();
    if (this.openUrns.has(lower)) return true;
    if (this.findSchema(resourceType, urn)) return false;
    return this.isExtensionUrn(urn);
  }

  resolve(resourceType: ScimResourceTypeName, path: AttrPath): ResolvedAttr | undefined {
    const { core, extensions } = this.byType[resourceType];
    if (path.schema === undefined || path.schema === '') {
      for (const schema of [core, ...extensions]) {
        const hit = this.resolveIn(schema, path.attr, path.subAttr, schema !== core);
        if (hit) return hit;
      }
      return undefined;
    }
    const schema = this.findSchema(resourceType, path.schema);
    if (schema) {
      const hit = this.resolveIn(schema, path.attr, path.subAttr, schema !== core);
      if (hit) return hit;
      // A declared extension keeps the attributes it does not declare, as sent (never a silent drop).
      if (schema !== core && !findAttribute(schema.attributes, path.attr)) {
        return openAttribute(schema.id, path.attr, path.subAttr);
      }
      return undefined;
    }
    // Legacy dot notation: the parser read `urn:…:enterprise:2.0:User.department` as
    // schema `urn:…:enterprise:2.0`, attr `User`, subAttr `department`.
    if (path.subAttr !== undefined) {
      const joined = this.findSchema(resourceType, `${path.schema}:${path.attr}`);
      if (joined) return this.resolve(resourceType, { schema: joined.id, attr: path.subAttr });
    }
    if (this.isForeignCoreUrn(path.schema)) return undefined;
    if (this.isExtensionUrn(path.schema)) return openAttribute(path.schema, path.attr, path.subAttr);
    return undefined;
  }

  /**
   * `resolve`, and for a name no schema of the resource type declares (`isAdmin`, an Okta custom
   * attribute in the core namespace) an open attribute of the core schema: written as sent, never
   * dropped (issue #16). A declared attribute with an unknown sub-attribute stays unresolved.
   */
  resolveForWrite(resourceType: ScimResourceTypeName, path: AttrPath): ResolvedAttr | undefined {
    const hit = this.resolve(resourceType, path);
    if (hit) return hit;
    const { core, extensions } = this.byType[resourceType];
    if (path.schema !== undefined && path.schema !== '' && path.schema.toLowerCase() !== core.id.toLowerCase()) {
      return undefined;
    }
    if (path.attr.toLowerCase().startsWith('urn:')) return undefined;
    if ([core, ...extensions].some((schema) => findAttribute(schema.attributes, path.attr))) return undefined;
    const open = openAttribute(core.id, path.attr, path.subAttr);
    return open && { ...open, extension: false };
  }

  private isForeignCoreUrn(urn: string): boolean {
    return NON_EXTENSION_URNS.includes(urn.toLowerCase());
  }

  private resolveIn(
    schema: ScimSchemaDef,
    attr: string,
    subAttr: string | undefined,
    extension: boolean,
  ): ResolvedAttr | undefined {
    const def = findAttribute(schema.attributes, attr);
    if (!def) return undefined;
    if (subAttr === undefined) return { schemaId: schema.id, def, extension };
    const sub = findAttribute(def.subAttributes ?? [], subAttr);
    return sub ? { schemaId: schema.id, def, sub, extension } : undefined;
  }
}

function distinctSchemas(byType: Record<ScimResourceTypeName, ScimResourceSchemas>): readonly ScimSchemaDef[] {
  const seen = new Map<string, ScimSchemaDef>();
  for (const type of ['User', 'Group'] as const) seen.set(byType[type].core.id.toLowerCase(), byType[type].core);
  for (const type of ['User', 'Group'] as const) {
    for (const ext of byType[type].extensions) if (!seen.has(ext.id.toLowerCase())) seen.set(ext.id.toLowerCase(), ext);
  }
  return [...seen.values()];
}

/** Case-insensitive attribute lookup (RFC 7643 §2.1). */
const attributeIndex = new WeakMap<readonly ScimAttributeDef[], ReadonlyMap<string, ScimAttributeDef>>();

/** The attribute of `defs` named `name`, case-insensitively (indexed once per definition list). */
export function findAttribute(defs: readonly ScimAttributeDef[], name: string): ScimAttributeDef | undefined {
  if (defs.length === 0) return undefined; // `def.subAttributes ?? []`: nothing to index
  let index = attributeIndex.get(defs);
  if (!index) {
    const m = new Map<string, ScimAttributeDef>();
    // First definition wins on a case-insensitive clash, as the linear search did.
    for (const d of defs) if (!m.has(d.name.toLowerCase())) m.set(d.name.toLowerCase(), d);
    attributeIndex.set(defs, (index = m));
  }
  return index.get(name.toLowerCase());
}

function syntheticString(name: string): ScimAttributeDef {
  return {
    name,
    type: 'string',
    multiValued: false,
    description: 'Attribute of an open extension; stored as sent.',
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
  };
}

/** `__proto__` is never an attribute: assigning it to a plain object would replace the object's prototype. */
const UNSAFE_NAMES: ReadonlySet<string> = new Set(['__proto__']);

function openAttribute(schemaId: string, attr: string, subAttr: string | undefined): ResolvedAttr | undefined {
  if (UNSAFE_NAMES.has(attr) || (subAttr !== undefined && UNSAFE_NAMES.has(subAttr)) || attr === '') return undefined;
  if (subAttr === undefined) return { schemaId, def: syntheticString(attr), extension: true, open: true };
  const sub = syntheticString(subAttr);
  return {
    schemaId,
    def: { ...syntheticString(attr), type: 'complex', subAttributes: [sub] },
    sub,
    extension: true,
    open: true,
  };
}

/** The registry with Roster's declared schemas; stateless, safe to share. */
export const DEFAULT_SCIM_SCHEMA_REGISTRY = new ScimSchemaRegistry();
