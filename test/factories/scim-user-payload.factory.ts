import { randomBytes } from 'node:crypto';

/** An Entra-shaped POST /Users body (MS "Develop and plan provisioning for a SCIM endpoint"). */
export function entraUser(
  overrides: Record<string, unknown> = {},
  domain = 'contoso.example',
): Record<string, unknown> {
  const nick = `u${randomBytes(5).toString('hex')}`;
  return {
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ],
    externalId: nick,
    userName: `${nick}@${domain}`,
    active: true,
    addresses: null,
    displayName: `Test ${nick}`,
    emails: [{ primary: true, type: 'work', value: `${nick}@${domain}` }],
    meta: { resourceType: 'User' },
    name: { formatted: `Test ${nick}`, familyName: nick, givenName: 'Test' },
    phoneNumbers: null,
    roles: [],
    title: null,
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      department: 'Sales',
      employeeNumber: '1001',
      manager: null,
    },
    ...overrides,
  };
}

export function entraGroup(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const name = `Group ${randomBytes(4).toString('hex')}`;
  return {
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:Group',
      'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
    ],
    externalId: randomBytes(8).toString('hex'),
    displayName: name,
    meta: { resourceType: 'Group' },
    members: [],
    ...overrides,
  };
}
