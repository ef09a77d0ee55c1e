/** RFC 7643 / RFC 7644 schema and message URNs — the SCIM "published language" shared by modules. */
export const SCIM_SCHEMA = {
  USER: 'urn:ietf:params:scim:schemas:core:2.0:User',
  GROUP: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  ENTERPRISE_USER: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  SERVICE_PROVIDER_CONFIG: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  RESOURCE_TYPE: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  SCHEMA: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export const SCIM_MESSAGE = {
  LIST_RESPONSE: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  PATCH_OP: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  SEARCH_REQUEST: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  ERROR: 'urn:ietf:params:scim:api:messages:2.0:Error',
  BULK_REQUEST: 'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
} as const;

export const SCIM_CONTENT_TYPE = 'application/scim+json';
