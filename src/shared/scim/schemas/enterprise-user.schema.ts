import { SCIM_SCHEMA } from '../scim.constants';
import type { ScimSchemaDef } from '../scim-schema.types';
import { scimAttribute, stringAttributes } from './scim-attribute.factory';

/** RFC 7643 §4.3 / §8.7.1 Enterprise User extension. */
export const ENTERPRISE_USER_SCHEMA: ScimSchemaDef = {
  id: SCIM_SCHEMA.ENTERPRISE_USER,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    ...stringAttributes({
      employeeNumber:
        'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.',
      costCenter: 'Identifies the name of a cost center.',
      organization: 'Identifies the name of an organization.',
      division: 'Identifies the name of a division.',
      department: 'Identifies the name of a department.',
    }),
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
