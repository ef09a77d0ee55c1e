import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const str = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
const time: SchemaObject = { type: 'string', format: 'date-time' };
const nullable = (s: SchemaObject): SchemaObject => ({ ...s, nullable: true });
const obj = (properties: Record<string, SchemaObject | { $ref: string }>, description?: string): SchemaObject => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
  ...(description ? { description } : {}),
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const items = (name: string) => obj({ items: { type: 'array', items: ref(name) } });

/** Response shapes of the resources an integrator scripts against (the views the use cases return). */
export const RESPONSE_SCHEMAS: Record<string, SchemaObject> = {
  Tenant: obj({
    id: str(),
    name: str(),
    ssoDomains: { type: 'array', items: str() },
    createdAt: time,
    updatedAt: time,
  }),
  ScimConnection: obj({
    id: str('scim_conn_…'),
    tenantId: str(),
    name: nullable(str()),
    tenantUrl: str("the IdP's Tenant URL"),
    createdAt: time,
  }),
  ScimConnectionDetail: {
    allOf: [
      ref('ScimConnection'),
      obj({
        lastRequestAt: nullable(time),
        last24h: obj({
          requests: { type: 'integer' },
          clientErrors: { type: 'integer' },
          serverErrors: { type: 'integer' },
        }),
        lastSyncRun: nullable(
          obj({ id: str(), status: { type: 'string', enum: ['in_progress', 'completed', 'failed'] }, at: time }),
        ),
      }),
    ],
  },
  ScimToken: obj({ id: str(), name: str(), prefix: str(), createdAt: time, lastUsedAt: nullable(time) }),
  IssuedScimToken: obj({ id: str(), name: str(), token: str('shown in this response only'), createdAt: time }),
  ScimTokenList: items('ScimToken'),
  ScimConnectionList: items('ScimConnection'),
  DeadLetter: obj({
    id: str('the event id'),
    eventName: str(),
    tenantId: nullable(str()),
    error: nullable(str()),
    attempts: { type: 'integer' },
    occurredAt: time,
    firstAttemptAt: nullable(time),
    lastAttemptAt: nullable(time),
  }),
  DeadLetterPage: obj({
    items: { type: 'array', items: ref('DeadLetter') },
    next: nullable(str('cursor of the next page')),
  }),
  DeadLetterRetry: obj({ id: str(), status: { type: 'string', enum: ['pending'] } }),
  Liveness: obj({ status: { type: 'string', enum: ['ok'] } }),
  Readiness: obj({
    status: { type: 'string', enum: ['ok', 'error'] },
    info: { type: 'object' },
    error: { type: 'object' },
    details: { type: 'object', description: 'shutdown, database, migrations: {status: up|down}' },
  }),
};

/** `METHOD /path` → the schema of its success response. */
export const ROUTE_RESPONSES: Record<string, string> = {
  'POST /admin/v1/tenants': 'Tenant',
  'GET /admin/v1/tenants/{tenantId}': 'Tenant',
  'PATCH /admin/v1/tenants/{tenantId}': 'Tenant',
  'POST /admin/v1/tenants/{tenantId}/scim-connections': 'ScimConnection',
  'GET /admin/v1/tenants/{tenantId}/scim-connections': 'ScimConnectionList',
  'GET /admin/v1/scim-connections/{connectionId}': 'ScimConnectionDetail',
  'POST /admin/v1/scim-connections/{connectionId}/tokens': 'IssuedScimToken',
  'GET /admin/v1/scim-connections/{connectionId}/tokens': 'ScimTokenList',
  'POST /admin/v1/scim-connections/{connectionId}/tokens/{tokenId}/rotate': 'IssuedScimToken',
  'GET /admin/v1/outbox/dead-letters': 'DeadLetterPage',
  'POST /admin/v1/outbox/dead-letters/{eventId}/retry': 'DeadLetterRetry',
  'GET /health/live': 'Liveness',
  'GET /health/ready': 'Readiness',
  'GET /health': 'Readiness',
};
