import { Body, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AppEnv } from '../../../config/env.schema';
import type { ScimPrincipal } from '../../tenancy/public';
import { parseListQuery, parseProjection } from '../application/scim-list-query';
import { etagOf, parseEtagList } from '../application/scim-presenter';
import type { ScimListQuery } from '../application/scim-list-query';
import type { Projection, ScimResult, ScimWriteArgs } from '../application/scim-common';
import type { StagingScope } from '../../staging/public';
import { ScimConnection } from './scim-principal.decorator';
import { ScimWrite, type ScimWriteRequest } from './scim-write.decorator';

type QueryParams = Record<string, unknown>;

/** The use cases behind one resource type's endpoints; Users and Groups have the same shape. */
export interface ScimResourceUseCases {
  create: { execute(scope: StagingScope, body: unknown, baseUrl: string, p: Projection): Promise<ScimResult> };
  get: { execute(scope: StagingScope, id: string, baseUrl: string, p: Projection): Promise<ScimResult> };
  replace: { execute(...args: ScimWriteArgs): Promise<ScimResult> };
  patch: { execute(...args: ScimWriteArgs): Promise<ScimResult> };
  delete: { execute(scope: StagingScope, id: string, ifMatch: string | undefined): Promise<void> };
  list: { execute(scope: StagingScope, q: ScimListQuery, baseUrl: string): Promise<unknown> };
}

/**
 * RFC 7644 §3 endpoints of one resource type, shared by `/Users` and `/Groups`. Thin: parse,
 * delegate, set status and headers. Subclasses only name the path and the use cases.
 */
export abstract class ScimResourceController {
  protected abstract readonly endpoint: 'Users' | 'Groups';

  // No parameter decorators here: a subclass's `@Inject` would inherit and extend them, shifting its own injections.
  constructor(
    private readonly useCases: ScimResourceUseCases,
    private readonly env: AppEnv,
  ) {}

  private base(p: ScimPrincipal) {
    return `${this.env.PUBLIC_URL}/scim/v2/${p.connectionId}`;
  }

  @Post()
  @HttpCode(201)
  async create(
    @ScimConnection() p: ScimPrincipal,
    @Body() body: unknown,
    @Query() q: QueryParams,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const r = await this.useCases.create.execute(p, body, this.base(p), parseProjection(q));
    void res.header('Location', `${this.base(p)}/${this.endpoint}/${r.id}`).header('ETag', etagOf(r.version));
    return r.body;
  }

  @Get()
  list(@ScimConnection() p: ScimPrincipal, @Query() q: QueryParams) {
    return this.useCases.list.execute(p, parseListQuery(q, this.env.SCIM_MAX_RESULTS), this.base(p));
  }

  /** RFC 7644 §3.4.3: the query in a body (the JSON guard has made it an object, or absent). */
  @Post('.search')
  @HttpCode(200)
  search(@ScimConnection() p: ScimPrincipal, @Body() body: unknown) {
    return this.useCases.list.execute(p, parseListQuery(asObject(body), this.env.SCIM_MAX_RESULTS), this.base(p));
  }

  @Get(':id')
  async get(
    @ScimConnection() p: ScimPrincipal,
    @Param('id') id: string,
    @Query() q: QueryParams,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const r = await this.useCases.get.execute(p, id, this.base(p), parseProjection(q));
    void res.header('ETag', etagOf(r.version));
    const inm = parseEtagList(ifNoneMatch);
    if (inm && (inm.any || inm.versions.includes(r.version))) {
      void res.status(304);
      return undefined;
    }
    return r.body;
  }

  @Put(':id')
  async replace(
    @ScimConnection() p: ScimPrincipal,
    @ScimWrite() w: ScimWriteRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const r = await this.useCases.replace.execute(p, w.id, w.body, w.ifMatch, this.base(p), w.projection);
    void res.header('ETag', etagOf(r.version));
    return r.body;
  }

  /**
   * 204 by default; 200 with the resource when the client asks for attributes (RFC 7644 §3.5.2).
   * Group responses never carry members (Entra: returning all members "isn't advisable").
   */
  @Patch(':id')
  async patch(
    @ScimConnection() p: ScimPrincipal,
    @ScimWrite() w: ScimWriteRequest,
    @Res({ passthrough: true }) res: FastifyReply,
  ) {
    const r = await this.useCases.patch.execute(p, w.id, w.body, w.ifMatch, this.base(p), w.projection);
    void res.header('ETag', etagOf(r.version));
    if (w.projection.attributes.length === 0 && w.projection.excludedAttributes.length === 0) {
      void res.status(204);
      return undefined;
    }
    return r.body;
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(
    @ScimConnection() p: ScimPrincipal,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    await this.useCases.delete.execute(p, id, ifMatch);
  }
}

function asObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
