import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Projection } from '../application/scim-common';
import { parseProjection } from '../application/scim-list-query';

/** What a PUT or PATCH of `/{Users|Groups}/{id}` reads from the request besides the connection. */
export interface ScimWriteRequest {
  id: string;
  body: unknown;
  /** RFC 7644 §3.14: the version the client last saw, if it sent one. */
  ifMatch: string | undefined;
  /** RFC 7644 §3.9 `attributes` / `excludedAttributes` of the query string. */
  projection: Projection;
}

export const ScimWrite = createParamDecorator((_: unknown, ctx: ExecutionContext): ScimWriteRequest => {
  const req = ctx
    .switchToHttp()
    .getRequest<FastifyRequest<{ Params: { id: string }; Querystring: Record<string, unknown> }>>();
  return {
    id: req.params.id,
    body: req.body,
    ifMatch: req.headers['if-match'],
    projection: parseProjection(req.query),
  };
});
