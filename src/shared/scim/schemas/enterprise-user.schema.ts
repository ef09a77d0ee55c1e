import { SCIM_SCHEMA } from '../scim.constants';
import type { ScimSchemaDef } from '../scim-schema.types';
import { scimAttribute } from './scim-attribute.factory';

/** RFC 7643 §4.3 / §8.7.1 Enterprise User extension. */
export const ENTERPRISE_USER_SCHEMA: ScimSchemaDef = {
  id: SCIM_SCHEMA.ENTERPRISE_USER,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    scimAttribute(
      'employeeNumber',
      'string',
      'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.',
    ),
    scimAttribute('costCenter', 'string', 'Identifies the name of a cost center.'),
    scimAttribute('organization', 'string', 'Identifies the name of an organization.'),
    scimAttribute('division', 'string', 'Identifies the name of a division.'),
    scimAttribute('department', 'string', 'Identifies the name of a department.'),
    scimAttribute('manager', 'complex', "The User's manager.", {
      subAttributes: [
        scimAttribute('value', 'string', "The id of the SCIM resource representing the User's manager."),
        // Derived by the service provider from `value`; a client-sent `$ref` is not stored.
        scimAttribute('$ref', 'reference', "The URI of the SCIM resource representing the User's manager.", {
          referenceTypes: ['User'],
        }),
        scimAttribute('displayName', 'string', "The displayName of the User's manager.", { mutability: 'readOnly' }),
      ],
    }),
  ],
};
