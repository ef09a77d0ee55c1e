/** ~1 KB, the shape Entra sends on create (MS SCIM tutorial + enterprise extension + nulls). */
export function entraBody(i: number, run: string): string {
  const nick = `bench${run}x${i}`;
  return JSON.stringify({
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ],
    externalId: nick,
    userName: `${nick}@contoso.example`,
    active: true,
    addresses: [
      {
        formatted: '1 Microsoft Way, Redmond, WA 98052',
        streetAddress: '1 Microsoft Way',
        locality: 'Redmond',
        region: 'WA',
        postalCode: '98052',
        country: 'US',
        type: 'work',
        primary: true,
      },
    ],
    displayName: `Bench User ${i}`,
    emails: [{ primary: true, type: 'work', value: `${nick}@contoso.example` }],
    meta: { resourceType: 'User' },
    name: { formatted: `Bench User ${i}`, familyName: `User${i}`, givenName: 'Bench' },
    phoneNumbers: [
      { type: 'work', value: '+1 425 555 0100' },
      { type: 'mobile', value: '+1 425 555 0101' },
    ],
    roles: [],
    title: 'Account Executive',
    preferredLanguage: 'en-US',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      department: 'Sales',
      employeeNumber: String(100000 + i),
      costCenter: 'CC-4200',
      organization: 'Contoso',
      division: 'EMEA',
      manager: null,
    },
  });
}
