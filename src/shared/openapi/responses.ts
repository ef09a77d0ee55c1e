import type { ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

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
  AuditEvent: obj({
    id: str(),
    sequence: { type: 'integer', description: 'position in the global chain' },
    occurredAt: time,
    tenantId: nullable(str()),
    actor: {
      type: 'object',
      required: ['type'],
      description: 'scim: connectionId, tokenId; admin: keyId, keyName, scope (the API key that acted); system',
      properties: {
        type: { type: 'string', enum: ['scim', 'admin', 'system'] },
        connectionId: str(),
        tokenId: str(),
        keyId: str('an API key id, or bootstrap for ADMIN_TOKEN'),
        keyName: str(),
        scope: { type: 'string', enum: ['admin', 'tenant', 'sessions'] },
      },
    },
    action: str('resource.verb'),
    target: nullable(obj({ type: str(), id: str() })),
    targetLabel: nullable(str()),
    subject: nullable(
      obj(
        { userName: nullable(str()), email: nullable(str()), accountId: nullable(str()) },
        'the person the entry is about (?subject= finds it by email or userName)',
      ),
    ),
    summary: str(),
    details: { type: 'object' },
    correlationId: nullable(str('the x-request-id')),
    sourceIp: nullable(str()),
    eventId: nullable(str()),
    prevHash: str('hex'),
    hash: str('hex: HMAC-SHA256 under AUDIT_CHAIN_KEY (v3), SHA-256 for entries written before'),
  }),
  AuditEventPage: obj({
    items: { type: 'array', items: ref('AuditEvent') },
    nextCursor: nullable(str('cursor of the next page (same order)')),
  }),
  AuditVerification: obj(
    {
      ok: { type: 'boolean' },
      checked: { type: 'integer', description: 'entries found intact' },
    },
    'when ok is false, also firstBrokenId (null when the chain no longer reaches the expected head) and reason',
  ),
  AuditReceipt: obj(
    {
      sequence: { type: 'integer' },
      hash: str('hex'),
      at: time,
      algorithm: { type: 'string', enum: ['Ed25519'] },
      signature: str('base64url Ed25519 signature of ["roster.audit.head.v1",sequence,hash,at] (JSON)'),
      publicKey: str('base64url raw Ed25519 public key'),
    },
    'a signed receipt of the chain head: keep it, check it later with verify?expectSequence=&expectHash=',
  ),
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
  'GET /admin/v1/audit-events': 'AuditEventPage',
  'GET /admin/v1/audit-events/verify': 'AuditVerification',
  'GET /admin/v1/audit-events/head': 'AuditReceipt',
  'GET /health/live': 'Liveness',
  'GET /health/ready': 'Readiness',
  'GET /health': 'Readiness',
};

const receiptHeader = (what: string) => ({ schema: { type: 'string' as const }, description: what });

/** Downloads: `METHOD /path` → the success response (not JSON). */
export const ROUTE_DOWNLOADS: Record<string, ResponseObject> = {
  'GET /admin/v1/audit-events/export': {
    description:
      'a streamed attachment: CSV (a header row) or NDJSON (one AuditEvent per line, then {"type":"head", …AuditReceipt}); the x-audit-head-* headers are the signed head it covers',
    headers: {
      'x-audit-head-sequence': receiptHeader('the receipt sequence: the export holds matching entries up to it'),
      'x-audit-head-hash': receiptHeader('hex'),
      'x-audit-head-at': receiptHeader('ISO-8601'),
      'x-audit-head-algorithm': receiptHeader('Ed25519'),
      'x-audit-head-signature': receiptHeader('base64url'),
      'x-audit-head-public-key': receiptHeader('base64url raw Ed25519 public key'),
    },
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
  },
};
