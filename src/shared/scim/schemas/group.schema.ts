import { SCIM_SCHEMA } from '../scim.constants';
import type { ScimSchemaDef } from '../scim-schema.types';
import { commonAttributes, scimAttribute } from './scim-attribute.factory';

/**
 * RFC 7643 §4.2 / §8.7.1 core Group schema. Deviations from the RFC's example schema, on purpose:
 * - `displayName` is required and unique per connection: Entra matches groups by it and requires
 *   uniqueness (idp-dialects #7), Okta's Group Push does too.
 * - `members.display` is listed (RFC 7643 §4.2 prose mentions it; Okta sends it on every add).
 */
export const GROUP_SCHEMA: ScimSchemaDef = {
  id: SCIM_SCHEMA.GROUP,
  name: 'Group',
  description: 'Group',
  attributes: [
    ...commonAttributes('Group'),
    scimAttribute('displayName', 'string', 'A human-readable name for the Group. REQUIRED.', {
      required: true,
      uniqueness: 'server',
    }),
    scimAttribute('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        scimAttribute('value', 'string', 'Identifier of the member of this Group.', {
          caseExact: true,
          mutability: 'immutable',
        }),
        scimAttribute('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          caseExact: true,
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        scimAttribute('type', 'string', "A label indicating the type of resource, e.g., 'User' or 'Group'.", {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
        scimAttribute(
          'display',
          'string',
          'A human-readable name for the member, primarily used for display purposes.',
          {
            mutability: 'immutable',
          },
        ),
      ],
    }),
  ],
};
