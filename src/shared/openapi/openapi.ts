import type { INestApplication } from '@nestjs/common';
import { RequestMethod } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { RESPONSE_SCHEMAS, ROUTE_FILE_RESPONSES, ROUTE_RESPONSES } from './responses';

export interface RouteInfo {
  method: string;
  /** OpenAPI form: `/admin/v1/tenants/{tenantId}`. */
  path: string;
  controller: new (...args: never[]) => unknown;
  handler: string;
}

/** Every route Nest mapped, from the controllers' metadata (what the router registered). */
export function nestRoutes(app: INestApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const cls = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!cls || !wrapper.instance) continue;
    const base = (Reflect.getMetadata('path', cls) as string | undefined) ?? '';
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance) as object)) {
      const handler = (wrapper.instance as Record<string, unknown>)[name] as object;
      const path = Reflect.getMetadata('path', handler) as string | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata('method', handler) as number].toLowerCase();
      const full = `/${base}/${path}`
        .replace(/\/+/g, '/')
        .replace(/(.)\/$/, '$1')
        .replace(/:(\w+)/g, '{$1}');
      routes.push({ method, path: full, controller: cls, handler: name });
    }
  }
  return routes;
}

const ERROR_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'Every error of the admin and sessions APIs (SCIM errors use the RFC 7644 §3.12 envelope instead).',
  required: ['error', 'message'],
  properties: {
    error: {
      type: 'string',
      description:
        'invalid_request, unauthorized, forbidden, not_found, conflict, precondition_failed, payload_too_large, unsupported_media_type, too_many_requests, service_unavailable, internal_error',
      example: 'not_found',
    },
    message: { type: 'string', example: 'tenant not found' },
    details: {
      type: 'array',
      description: 'invalid_request: one entry per problem',
      items: {
        type: 'object',
        required: ['field', 'problem'],
        properties: { field: { type: 'string', example: 'ssoDomains.0' }, problem: { type: 'string' } },
      },
    },
    correlationId: { type: 'string', description: 'internal_error and service_unavailable: the x-request-id to quote' },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const ERRORS = {
  '400': errorResponse('invalid request (`details` lists each problem)'),
  '401': errorResponse('missing or invalid bearer token'),
  '404': errorResponse('not found'),
  '429': errorResponse('too many failed authentications from this address; retry after `Retry-After` seconds'),
  '503': errorResponse('database unavailable; retry after `Retry-After` seconds'),
};

const SCIM_DESCRIPTION = [
  'Admin API (`/admin/v1`, bearer: the admin token or an API key) and the host product’s sessions API (`/v1/sessions`).',
  '',
  'The SCIM 2.0 endpoint of each connection, `/scim/v2/{connectionId}` (its Tenant URL), is not described here: it is',
  '[RFC 7644](https://www.rfc-editor.org/rfc/rfc7644) with the resources of [RFC 7643](https://www.rfc-editor.org/rfc/rfc7643),',
  'and it describes itself: `GET /scim/v2/{connectionId}/ServiceProviderConfig`, `…/ResourceTypes` and `…/Schemas`',
  '(RFC 7644 §4), with the connection’s bearer token.',
].join('\n');

/** The DTO's schema name — its own, or its nearest parent's when it only inherits (`class Q extends Range {}`). */
function schemaName(type: unknown, dtos: Record<string, SchemaObject>): string | undefined {
  for (let c = type; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c) as unknown) {
    if (c.name && dtos[c.name]) return c.name;
  }
  return undefined;
}

function tagOf(path: string): string {
  const parts = path.split('/').filter((p) => p && !p.startsWith('{'));
  if (parts[0] === 'health') return 'health';
  if (parts[0] === 'v1') return 'sessions';
  // admin/v1/<area>[/…/<sub-area>]: the last literal segment names the resource.
  return parts[parts.length - 1] === 'admin' ? 'admin' : (parts.slice(2).pop() ?? 'admin');
}

/**
 * The OpenAPI 3 document of the admin and sessions APIs. Request bodies and query parameters come
 * from the class-validator DTOs that validate them (class-validator-jsonschema), so the document
 * cannot drift from what is enforced; every operation documents the error shape.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Roster API')
    .setDescription(SCIM_DESCRIPTION)
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'admin token or API key' }, 'bearer')
    .addTag('SCIM 2.0', 'Per-connection SCIM endpoint, described by RFC 7644 and its own discovery endpoints', {
      description: 'RFC 7644 — SCIM protocol',
      url: 'https://www.rfc-editor.org/rfc/rfc7644',
    })
    .build();
  const doc = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  for (const path of Object.keys(doc.paths)) if (path.startsWith('/scim/')) delete doc.paths[path];

  const dtos = validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/' }) as Record<
    string,
    SchemaObject
  >;
  const schemas: Record<string, SchemaObject> = { Error: ERROR_SCHEMA, ...RESPONSE_SCHEMAS };
  for (const [name, schema] of Object.entries(dtos)) if (name.endsWith('Dto')) schemas[name] = schema;
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ...schemas } };

  for (const route of nestRoutes(app)) {
    if (route.path.startsWith('/scim/')) continue;
    const op = (doc.paths[route.path] as Record<string, OperationObject> | undefined)?.[route.method];
    if (!op) continue;
    const open = route.path.startsWith('/health');
    op.tags = [tagOf(route.path)];
    if (!open) op.security = [{ bearer: [] }];
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handler) ?? {}) as Record<
      string,
      { index: number; data?: unknown }
    >;
    const types = (Reflect.getMetadata('design:paramtypes', route.controller.prototype as object, route.handler) ??
      []) as unknown[];
    for (const [key, arg] of Object.entries(args)) {
      const kind = Number(key.split(':')[0]) as RouteParamtypes;
      const name = schemaName(types[arg.index], dtos);
      const schema = name ? dtos[name] : undefined;
      if (!schema || arg.data !== undefined) continue;
      if (kind === RouteParamtypes.BODY) {
        op.requestBody = {
          required: true,
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
        };
      } else if (kind === RouteParamtypes.QUERY) {
        const query: ParameterObject[] = Object.entries(schema.properties ?? {}).map(([param, s]) => ({
          name: param,
          in: 'query',
          required: schema.required?.includes(param) ?? false,
          schema: s as SchemaObject,
        }));
        op.parameters = [...(op.parameters ?? []).filter((p) => !('in' in p) || p.in !== 'query'), ...query];
      }
    }
    const key = `${route.method.toUpperCase()} ${route.path}`;
    const response = ROUTE_RESPONSES[key];
    const files = ROUTE_FILE_RESPONSES[key];
    const success = Object.keys(op.responses ?? {}).find((code) => code.startsWith('2'));
    if (response && success) {
      op.responses[success] = {
        description: 'success',
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${response}` } } },
      };
    } else if (files && success) {
      op.responses[success] = {
        description: 'a file download',
        content: Object.fromEntries(
          Object.entries(files).map(([type, description]) => [type, { schema: { type: 'string', description } }]),
        ),
      };
    }
    op.responses = open ? { ...op.responses, '503': { description: 'not ready' } } : { ...ERRORS, ...op.responses };
  }
  return doc;
}

/** `/docs` (Swagger UI, its assets served by Roster itself — no CDN) and `/docs/openapi.json`. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    raw: ['json'],
    swaggerOptions: { persistAuthorization: false },
  });
}
