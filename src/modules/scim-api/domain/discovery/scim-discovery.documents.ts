import { SCIM_MESSAGE, SCIM_SCHEMA } from '../../../../shared/scim/scim.constants';
import type { ScimAttributeDef, ScimResourceTypeName, ScimSchemaDef } from '../../../../shared/scim/scim-schema.types';
import type { ScimSchemaRegistry } from '../../../../shared/scim/schemas/scim-schema.registry';

/**
 * RFC 7643 §5–§7 discovery documents as plain JSON. Every builder takes the SCIM base URL of the
 * connection (`https://host/scim/v2/<tenant>`, with or without a trailing '/') for `meta.location`.
 * Entra requirements (idp-dialects #2): a ListResponse for `/Schemas`, camelCase property values, and
 * no `null` anywhere — optional members are omitted, never null.
 */

type Json = Record<string, unknown>;

export interface ServiceProviderConfigOptions {
  /** Largest `count` a list request returns (RFC 7643 §5 filter.maxResults). */
  readonly maxResults: number;
  /** The configured maximum request body in bytes (reported as bulk.maxPayloadSize). */
  readonly maxPayloadSize: number;
  readonly documentationUri?: string;
}

export interface RegistryOptions {
  readonly registry: ScimSchemaRegistry;
}

const RESOURCE_TYPES: ReadonlyArray<{
  readonly name: ScimResourceTypeName;
  readonly endpoint: string;
  readonly description: string;
}> = [
  { name: 'User', endpoint: '/Users', description: 'User Account' },
  { name: 'Group', endpoint: '/Groups', description: 'Group' },
];

/** `GET /ServiceProviderConfig` (RFC 7643 §5). */
export function buildServiceProviderConfig(baseUrl: string, opts: ServiceProviderConfigOptions): Json {
  return {
    schemas: [SCIM_SCHEMA.SERVICE_PROVIDER_CONFIG],
    ...(opts.documentationUri ? { documentationUri: opts.documentationUri } : {}),
    patch: { supported: true },
    // Bulk is not implemented; RFC 7643 §5 still requires the limits, so they are 0 / the body limit.
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: opts.maxPayloadSize },
    filter: { supported: true, maxResults: opts.maxResults },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          "Authentication scheme using the OAuth Bearer Token Standard (the connection's long-lived SCIM token)",
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${trimBase(baseUrl)}/ServiceProviderConfig` },
  };
}

/** `GET /ResourceTypes/{name}` (RFC 7643 §6). */
export function buildResourceTypeDocument(
  baseUrl: string,
  opts: RegistryOptions & { readonly name: ScimResourceTypeName },
): Json {
  const type = RESOURCE_TYPES.find((t) => t.name === opts.name) ?? RESOURCE_TYPES[0];
  const { core, extensions } = opts.registry.schemasFor(type.name);
  return {
    schemas: [SCIM_SCHEMA.RESOURCE_TYPE],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.description,
    schema: core.id,
    // Every extension is optional: Entra and Okta send only the ones they have mappings for.
    ...(extensions.length > 0 ? { schemaExtensions: extensions.map((e) => ({ schema: e.id, required: false })) } : {}),
    meta: { resourceType: 'ResourceType', location: `${trimBase(baseUrl)}/ResourceTypes/${type.name}` },
  };
}

/** `GET /ResourceTypes` (RFC 7644 §4): User first, then Group, as a ListResponse. */
export function buildResourceTypesList(baseUrl: string, opts: RegistryOptions): Json {
  return listResponse(
    RESOURCE_TYPES.map((t) => buildResourceTypeDocument(baseUrl, { registry: opts.registry, name: t.name })),
  );
}

/** `GET /Schemas/{id}` (RFC 7643 §7); undefined when the id is unknown (→ 404). Case-insensitive id. */
export function buildSchemaDocument(
  baseUrl: string,
  opts: RegistryOptions & { readonly id: string },
): Json | undefined {
  const schema = opts.registry.schemaById(opts.id);
  return schema ? schemaDocument(baseUrl, schema) : undefined;
}

/** `GET /Schemas` (RFC 7644 §4): every schema of the registry as a ListResponse. */
export function buildSchemasList(baseUrl: string, opts: RegistryOptions): Json {
  return listResponse(opts.registry.allSchemas().map((s) => schemaDocument(baseUrl, s)));
}

function schemaDocument(baseUrl: string, schema: ScimSchemaDef): Json {
  return {
    schemas: [SCIM_SCHEMA.SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${trimBase(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** RFC 7643 §7 attribute characteristics; optional lists only when present (never null). */
function attributeDocument(def: ScimAttributeDef): Json {
  return {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    description: def.description,
    required: def.required,
    caseExact: def.caseExact,
    mutability: def.mutability,
    returned: def.returned,
    uniqueness: def.uniqueness,
    ...(def.subAttributes && def.subAttributes.length > 0
      ? { subAttributes: def.subAttributes.map(attributeDocument) }
      : {}),
    ...(def.canonicalValues && def.canonicalValues.length > 0 ? { canonicalValues: [...def.canonicalValues] } : {}),
    ...(def.referenceTypes && def.referenceTypes.length > 0 ? { referenceTypes: [...def.referenceTypes] } : {}),
  };
}

/** RFC 7644 §3.4.2: integers and a Resources array, always (idp-dialects 2.9). */
function listResponse(resources: Json[]): Json {
  return {
    schemas: [SCIM_MESSAGE.LIST_RESPONSE],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

function trimBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}
