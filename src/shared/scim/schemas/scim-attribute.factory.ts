import type { ScimAttributeDef, ScimAttributeType } from '../scim-schema.types';

type AttributeOptions = Partial<Omit<ScimAttributeDef, 'name' | 'type' | 'description'>>;

/**
 * Builds an RFC 7643 §7 attribute definition with the defaults the RFC gives in §2.2 ("attributes
 * SHALL default to…"): single-valued, not required, caseExact false, readWrite, returned default,
 * uniqueness none. Only the characteristics that differ are spelled out in the schema files.
 */
export function scimAttribute(
  name: string,
  type: ScimAttributeType,
  description: string,
  options: AttributeOptions = {},
): ScimAttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

/** Single-valued string attributes with the §2.2 defaults, one per `name: description` entry, in order. */
export function stringAttributes(descriptions: Readonly<Record<string, string>>): ScimAttributeDef[] {
  return Object.entries(descriptions).map(([name, description]) => scimAttribute(name, 'string', description));
}

/** `value` sub-attribute of a multi-valued attribute (RFC 7643 §2.4). */
export function valueSub(description: string, options: AttributeOptions = {}): ScimAttributeDef {
  return scimAttribute('value', 'string', description, options);
}

/** `display` sub-attribute of a multi-valued attribute (RFC 7643 §2.4). */
export function displaySub(options: AttributeOptions = {}): ScimAttributeDef {
  return scimAttribute('display', 'string', 'A human-readable name, primarily used for display purposes.', options);
}

/** `type` sub-attribute; canonical values are advisory (RFC 7643 §2.4: "MAY"), never enforced on input. */
export function typeSub(
  description: string,
  canonicalValues: readonly string[],
  options: AttributeOptions = {},
): ScimAttributeDef {
  return scimAttribute('type', 'string', description, { canonicalValues, ...options });
}

/** `primary` sub-attribute: "the primary attribute value 'true' MUST appear no more than once" (RFC 7643 §2.4). */
export function primarySub(): ScimAttributeDef {
  return scimAttribute(
    'primary',
    'boolean',
    "A Boolean value indicating the 'primary' or preferred attribute value for this attribute.",
  );
}

/**
 * A multi-valued attribute with the RFC 7643 §2.4 sub-attributes `value`, `display`, `type` and
 * `primary`. `value` is a string described by `value`, or the definition given (a photo's URL).
 */
export function multiValuedAttribute(
  name: string,
  description: string,
  sub: {
    readonly value: string | ScimAttributeDef;
    readonly type: string;
    readonly canonicalTypes?: readonly string[];
  },
): ScimAttributeDef {
  return scimAttribute(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      typeof sub.value === 'string' ? valueSub(sub.value) : sub.value,
      displaySub(),
      typeSub(sub.type, sub.canonicalTypes ?? []),
      primarySub(),
    ],
  });
}

/** The common `id`/`externalId`/`meta` attributes of every resource (RFC 7643 §3.1). */
export function commonAttributes(resourceLabel: string): ScimAttributeDef[] {
  return [
    scimAttribute('id', 'string', `Unique identifier for the ${resourceLabel}, assigned by the service provider.`, {
      required: true,
      caseExact: true,
      mutability: 'readOnly',
      returned: 'always',
      uniqueness: 'server',
    }),
    scimAttribute('externalId', 'string', `Identifier of the ${resourceLabel} as defined by the provisioning client.`, {
      caseExact: true,
    }),
    scimAttribute('meta', 'complex', 'Resource metadata maintained by the service provider.', {
      mutability: 'readOnly',
      subAttributes: [
        scimAttribute('resourceType', 'string', 'Name of the resource type of the resource.', {
          caseExact: true,
          mutability: 'readOnly',
        }),
        scimAttribute('created', 'dateTime', 'When the resource was added to the service provider.', {
          mutability: 'readOnly',
        }),
        scimAttribute('lastModified', 'dateTime', 'When the resource was last updated.', { mutability: 'readOnly' }),
        scimAttribute('location', 'reference', 'URI of the resource being returned.', {
          caseExact: true,
          mutability: 'readOnly',
          referenceTypes: ['uri'],
        }),
        scimAttribute('version', 'string', 'Version (ETag) of the resource.', {
          caseExact: true,
          mutability: 'readOnly',
        }),
      ],
    }),
  ];
}
