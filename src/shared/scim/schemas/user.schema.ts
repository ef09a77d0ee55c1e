import { SCIM_SCHEMA } from '../scim.constants';
import type { ScimSchemaDef } from '../scim-schema.types';
import {
  commonAttributes,
  displaySub,
  multiValuedAttribute,
  primarySub,
  scimAttribute,
  stringAttributes,
  typeSub,
  valueSub,
} from './scim-attribute.factory';

/** RFC 7643 §4.1 / §8.7.1 core User schema (plus the §3.1 common attributes `id`, `externalId`, `meta`). */
export const USER_SCHEMA: ScimSchemaDef = {
  id: SCIM_SCHEMA.USER,
  name: 'User',
  description: 'User Account',
  attributes: [
    ...commonAttributes('User'),
    // RFC 7643 §4.1.1: unique across the service provider, case-insensitive (Entra's validator expects
    // caseExact false — idp-dialects #10).
    scimAttribute(
      'userName',
      'string',
      'Unique identifier for the User, typically used by the user to directly authenticate to the service provider. REQUIRED.',
      {
        required: true,
        uniqueness: 'server',
      },
    ),
    scimAttribute('name', 'complex', "The components of the user's real name.", {
      subAttributes: stringAttributes({
        formatted:
          'The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.',
        familyName: 'The family name of the User, or last name in most Western languages.',
        givenName: 'The given name of the User, or first name in most Western languages.',
        middleName: 'The middle name(s) of the User.',
        honorificPrefix: "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.').",
        honorificSuffix: "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III').",
      }),
    }),
    ...stringAttributes({
      displayName: 'The name of the User, suitable for display to end-users.',
      nickName: 'The casual way to address the user in real life.',
    }),
    scimAttribute(
      'profileUrl',
      'reference',
      "A fully qualified URL pointing to a page representing the User's online profile.",
      {
        referenceTypes: ['external'],
      },
    ),
    ...stringAttributes({
      title: "The user's title, such as 'Vice President'.",
      userType: 'Used to identify the relationship between the organization and the user.',
      preferredLanguage: "Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language format).",
      locale:
        "Used to indicate the User's default location for purposes of localizing items such as currency and date formats.",
      timezone: "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'.",
    }),
    scimAttribute('active', 'boolean', "A Boolean value indicating the User's administrative status."),
    // RFC 7643 §4.1.1: writeOnly, returned never. Roster never stores it (Okta sends it on create).
    scimAttribute('password', 'string', "The User's cleartext password. Never stored or returned by this service.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValuedAttribute('emails', 'Email addresses for the user.', {
      value: 'Email addresses for the user (RFC 5321 format).',
      type: "A label indicating the attribute's function, e.g., 'work' or 'home'.",
      canonicalTypes: ['work', 'home', 'other'],
    }),
    multiValuedAttribute('phoneNumbers', 'Phone numbers for the User.', {
      value: 'Phone number of the User.',
      type: "A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'.",
      canonicalTypes: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    }),
    multiValuedAttribute('ims', 'Instant messaging addresses for the User.', {
      value: 'Instant messaging address for the User.',
      type: "A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'.",
      canonicalTypes: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    multiValuedAttribute('photos', 'URLs of photos of the User.', {
      value: scimAttribute('value', 'reference', 'URL of a photo of the User.', { referenceTypes: ['external'] }),
      type: "A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.",
      canonicalTypes: ['photo', 'thumbnail'],
    }),
    scimAttribute('addresses', 'complex', 'A physical mailing address for this User.', {
      multiValued: true,
      subAttributes: [
        ...stringAttributes({
          formatted: 'The full mailing address, formatted for display or use with a mailing label.',
          streetAddress: 'The full street address component.',
          locality: 'The city or locality component.',
          region: 'The state or region component.',
          postalCode: 'The zip code or postal code component.',
          country: 'The country name component (ISO 3166-1 alpha-2 code).',
        }),
        typeSub("A label indicating the attribute's function, e.g., 'work' or 'home'.", ['work', 'home', 'other']),
        primarySub(),
      ],
    }),
    // RFC 7643 §4.1.2: group membership is changed through the Group resource, never the User.
    scimAttribute(
      'groups',
      'complex',
      'A list of groups to which the user belongs, either through direct membership or nested groups.',
      {
        multiValued: true,
        mutability: 'readOnly',
        subAttributes: [
          valueSub("The identifier of the User's group.", { mutability: 'readOnly' }),
          scimAttribute(
            '$ref',
            'reference',
            "The URI of the corresponding 'Group' resource to which the user belongs.",
            {
              mutability: 'readOnly',
              referenceTypes: ['User', 'Group'],
            },
          ),
          displaySub({ mutability: 'readOnly' }),
          typeSub(
            "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.",
            ['direct', 'indirect'],
            {
              mutability: 'readOnly',
            },
          ),
        ],
      },
    ),
    multiValuedAttribute('entitlements', 'A list of entitlements for the User that represent a thing the User has.', {
      value: 'The value of an entitlement.',
      type: "A label indicating the attribute's function.",
    }),
    multiValuedAttribute('roles', 'A list of roles for the User that collectively represent who the User is.', {
      value: 'The value of a role.',
      type: "A label indicating the attribute's function.",
    }),
    multiValuedAttribute('x509Certificates', 'A list of certificates issued to the User.', {
      value: scimAttribute('value', 'binary', 'The value of an X.509 certificate (base64 DER).'),
      type: "A label indicating the attribute's function.",
    }),
  ],
};
