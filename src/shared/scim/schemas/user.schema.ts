import { SCIM_SCHEMA } from '../scim.constants';
import type { ScimSchemaDef } from '../scim-schema.types';
import { commonAttributes, displaySub, primarySub, scimAttribute, typeSub, valueSub } from './scim-attribute.factory';

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
      subAttributes: [
        scimAttribute(
          'formatted',
          'string',
          'The full name, including all middle names, titles, and suffixes as appropriate, formatted for display.',
        ),
        scimAttribute('familyName', 'string', 'The family name of the User, or last name in most Western languages.'),
        scimAttribute('givenName', 'string', 'The given name of the User, or first name in most Western languages.'),
        scimAttribute('middleName', 'string', 'The middle name(s) of the User.'),
        scimAttribute(
          'honorificPrefix',
          'string',
          "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.').",
        ),
        scimAttribute(
          'honorificSuffix',
          'string',
          "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III').",
        ),
      ],
    }),
    scimAttribute('displayName', 'string', 'The name of the User, suitable for display to end-users.'),
    scimAttribute('nickName', 'string', 'The casual way to address the user in real life.'),
    scimAttribute(
      'profileUrl',
      'reference',
      "A fully qualified URL pointing to a page representing the User's online profile.",
      {
        referenceTypes: ['external'],
      },
    ),
    scimAttribute('title', 'string', "The user's title, such as 'Vice President'."),
    scimAttribute('userType', 'string', 'Used to identify the relationship between the organization and the user.'),
    scimAttribute(
      'preferredLanguage',
      'string',
      "Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language format).",
    ),
    scimAttribute(
      'locale',
      'string',
      "Used to indicate the User's default location for purposes of localizing items such as currency and date formats.",
    ),
    scimAttribute(
      'timezone',
      'string',
      "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'.",
    ),
    scimAttribute('active', 'boolean', "A Boolean value indicating the User's administrative status."),
    // RFC 7643 §4.1.1: writeOnly, returned never. Roster never stores it (Okta sends it on create).
    scimAttribute('password', 'string', "The User's cleartext password. Never stored or returned by this service.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    scimAttribute('emails', 'complex', 'Email addresses for the user.', {
      multiValued: true,
      subAttributes: [
        valueSub('Email addresses for the user (RFC 5321 format).'),
        displaySub('A human-readable name, primarily used for display purposes.'),
        typeSub("A label indicating the attribute's function, e.g., 'work' or 'home'.", ['work', 'home', 'other']),
        primarySub("A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
      ],
    }),
    scimAttribute('phoneNumbers', 'complex', 'Phone numbers for the User.', {
      multiValued: true,
      subAttributes: [
        valueSub('Phone number of the User.'),
        displaySub('A human-readable name, primarily used for display purposes.'),
        typeSub("A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'.", [
          'work',
          'home',
          'mobile',
          'fax',
          'pager',
          'other',
        ]),
        primarySub("A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
      ],
    }),
    scimAttribute('ims', 'complex', 'Instant messaging addresses for the User.', {
      multiValued: true,
      subAttributes: [
        valueSub('Instant messaging address for the User.'),
        displaySub('A human-readable name, primarily used for display purposes.'),
        typeSub("A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'.", [
          'aim',
          'gtalk',
          'icq',
          'xmpp',
          'msn',
          'skype',
          'qq',
          'yahoo',
        ]),
        primarySub("A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
      ],
    }),
    scimAttribute('photos', 'complex', 'URLs of photos of the User.', {
      multiValued: true,
      subAttributes: [
        scimAttribute('value', 'reference', 'URL of a photo of the User.', { referenceTypes: ['external'] }),
        displaySub('A human-readable name, primarily used for display purposes.'),
        typeSub("A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.", ['photo', 'thumbnail']),
        primarySub("A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
      ],
    }),
    scimAttribute('addresses', 'complex', 'A physical mailing address for this User.', {
      multiValued: true,
      subAttributes: [
        scimAttribute(
          'formatted',
          'string',
          'The full mailing address, formatted for display or use with a mailing label.',
        ),
        scimAttribute('streetAddress', 'string', 'The full street address component.'),
        scimAttribute('locality', 'string', 'The city or locality component.'),
        scimAttribute('region', 'string', 'The state or region component.'),
        scimAttribute('postalCode', 'string', 'The zip code or postal code component.'),
        scimAttribute('country', 'string', 'The country name component (ISO 3166-1 alpha-2 code).'),
        typeSub("A label indicating the attribute's function, e.g., 'work' or 'home'.", ['work', 'home', 'other']),
        primarySub("A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
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
          displaySub('A human-readable name, primarily used for display purposes.', { mutability: 'readOnly' }),
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
    scimAttribute(
      'entitlements',
      'complex',
      'A list of entitlements for the User that represent a thing the User has.',
      {
        multiValued: true,
        subAttributes: [
          valueSub('The value of an entitlement.'),
          displaySub('A human-readable name, primarily used for display purposes.'),
          typeSub("A label indicating the attribute's function.", []),
          primarySub("A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
        ],
      },
    ),
    scimAttribute('roles', 'complex', 'A list of roles for the User that collectively represent who the User is.', {
      multiValued: true,
      subAttributes: [
        valueSub('The value of a role.'),
        displaySub('A human-readable name, primarily used for display purposes.'),
        typeSub("A label indicating the attribute's function.", []),
        primarySub("A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
      ],
    }),
    scimAttribute('x509Certificates', 'complex', 'A list of certificates issued to the User.', {
      multiValued: true,
      subAttributes: [
        scimAttribute('value', 'binary', 'The value of an X.509 certificate (base64 DER).'),
        displaySub('A human-readable name, primarily used for display purposes.'),
        typeSub("A label indicating the attribute's function.", []),
        primarySub("A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
      ],
    }),
  ],
};
