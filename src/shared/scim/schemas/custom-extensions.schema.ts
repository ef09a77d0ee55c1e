import type { ScimSchemaDef } from '../scim-schema.types';
import { scimAttribute, stringAttributes } from './scim-attribute.factory';

/**
 * Extension schemas Roster declares beyond RFC 7643. Declared attributes get typed validation and
 * appear in `/Schemas` so Entra's schema discovery offers them as mapping targets (idp-dialects #2).
 *
 * Open-extension rule: an extension whose URN is NOT declared here (or is declared with an empty
 * attribute list and listed in OPEN_EXTENSION_URNS, like Metadata) is "open" — every key is accepted
 * and stored losslessly, with the JSON types and key case the client sent. Customer-specific
 * extensions (Security Journey's `SJUserAttributes`, custom Entra attribute lists) therefore work
 * without a code change; only declared attributes are type-checked.
 */

/** Roster's product extension: the learner/tenant attributes our customers map from Entra. */
export const ROSTER_USER_EXTENSION_SCHEMA: ScimSchemaDef = {
  id: 'urn:ietf:params:scim:schemas:extension:roster:2.0:User',
  name: 'RosterUser',
  description: 'Roster user attributes used for assignments and reporting',
  attributes: [
    ...stringAttributes({
      job_role: 'Job role of the user (Entra suggestion: userType).',
      company: 'Company of the user (Entra suggestion: enterprise organization).',
      business_unit: 'Business unit of the user (Entra suggestion: enterprise costCenter).',
      team_name: 'Team of the user (Entra suggestion: enterprise division).',
    }),
    scimAttribute('security_champion', 'boolean', 'Whether the user is a security champion.'),
  ],
};

/**
 * Multi-valued `folders` (Entra `Split([attr], ",")` expression target). Entra only allows
 * multi-valued custom attributes for gallery apps (idp-dialects #23), so the value may also arrive
 * as a single string — it is wrapped into an array.
 */
export const CUSTOM_EXTENSION_NAME_SCHEMA: ScimSchemaDef = {
  id: 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName',
  name: 'CustomExtensionName',
  description: 'Folder assignment extension',
  attributes: [
    scimAttribute('folders', 'string', 'Folder GUIDs or external ids the user should have access to.', {
      multiValued: true,
    }),
  ],
};

/** Microsoft's documented custom-attribute example (`…:CustomExtensionName:2.0:User:tag`, MS-SCIM). */
export const CUSTOM_EXTENSION_NAME_USER_SCHEMA: ScimSchemaDef = {
  id: 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User',
  name: 'CustomExtensionNameUser',
  description: 'Custom user extension',
  attributes: [scimAttribute('tag', 'string', 'Free-form tag of the user.')],
};

/**
 * Open metadata extension: one Entra attribute `urn:…:2.0:Metadata:{key}` per metadata key. No
 * attributes are declared — any key is accepted and stored as sent.
 */
export const METADATA_EXTENSION_SCHEMA: ScimSchemaDef = {
  id: 'urn:ietf:params:scim:schemas:extension:2.0:Metadata',
  name: 'Metadata',
  description: 'Open key/value metadata; any attribute name is accepted and stored as sent',
  attributes: [],
};

/** User extensions in `/ResourceTypes` order (enterprise first, see the registry). */
export const CUSTOM_USER_EXTENSION_SCHEMAS: readonly ScimSchemaDef[] = [
  ROSTER_USER_EXTENSION_SCHEMA,
  CUSTOM_EXTENSION_NAME_SCHEMA,
  CUSTOM_EXTENSION_NAME_USER_SCHEMA,
  METADATA_EXTENSION_SCHEMA,
];

/** Declared extensions that still accept undeclared attribute names. */
export const OPEN_EXTENSION_URNS: readonly string[] = [METADATA_EXTENSION_SCHEMA.id];
