import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS,
  isDatabaseUnavailable,
  noteDatabaseUnavailable,
} from '../database/database-unavailable';
import { DomainError } from '../domain/domain-error';
import { isFastifyClientError } from '../http/fastify-errors';
import { DOMAIN_ERROR_STATUS } from '../http/http-errors';
import { RejectedInput } from '../http/json-body';
import { RequestContext } from '../context/request-context';
import { SCIM_CONTENT_TYPE, SCIM_MESSAGE } from './scim.constants';
import { ScimError, type ScimType } from './scim-error';

/** Renders a SCIM error envelope (RFC 7644 §3.12); `status` is a string per the RFC's examples. */
export function sendScimError(reply: FastifyReply, status: number, detail: string, scimType?: ScimType): void {
  const body: Record<string, unknown> = { schemas: [SCIM_MESSAGE.ERROR], status: String(status) };
  if (scimType) body.scimType = scimType;
  body.detail = detail;
  if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="roster-scim"');
  void reply.status(status).header('content-type', `${SCIM_CONTENT_TYPE}; charset=utf-8`).send(body);
}

/**
 * Every failure on a SCIM route leaves as the RFC 7644 §3.12 envelope — including auth failures,
 * throttling, Fastify's body errors, an unreachable database (503 + Retry-After) and bugs (500 with a
 * generic detail, logged once here).
 */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ScimError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof ScimError)
      return sendScimError(reply, exception.status, exception.message, exception.scimType);
    if (exception instanceof DomainError) {
      const status = DOMAIN_ERROR_STATUS[exception.kind];
      // RFC 7644 §3.12: a 400 names its scimType; a domain "invalid" (e.g. a member id that is no user
      // or group of this connection) is a value incompatible with the operation → invalidValue.
      const scimType =
        exception.kind === 'conflict' ? 'uniqueness' : exception.kind === 'invalid' ? 'invalidValue' : undefined;
      return sendScimError(reply, status, exception.message, scimType);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 429) {
        const res = exception.getResponse() as { retryAfter?: unknown; message?: unknown };
        if (typeof res.retryAfter === 'number') {
          void reply.header('Retry-After', String(res.retryAfter));
          return sendScimError(reply, 429, String(res.message));
        }
        const retryAfter = reply.getHeader('retry-after');
        if (retryAfter === undefined) void reply.header('Retry-After', '1');
        return sendScimError(
          reply,
          429,
          'too many requests for this SCIM connection; retry after the Retry-After delay',
        );
      }
      if (status === 401)
        return sendScimError(reply, 401, 'missing, invalid or revoked bearer token for this SCIM connection');
      if (status === 404) return sendScimError(reply, 404, 'resource not found');
      if (status === 405) return sendScimError(reply, 405, 'method not allowed');
      if (status < 500)
        return sendScimError(reply, status, exception.message, status === 400 ? 'invalidSyntax' : undefined);
    }
    if (exception instanceof RejectedInput) {
      if (exception.statusCode === 415) {
        void reply.header('Accept-Encoding', 'identity');
        return sendScimError(reply, 415, exception.message);
      }
      if (exception.statusCode === 404) return sendScimError(reply, 404, 'resource not found');
      // A .search body's filter is the query string's `filter` (RFC 7644 §3.4.3): the same invalidFilter.
      const url = host.switchToHttp().getRequest<{ url?: string }>().url ?? '';
      const scimType =
        exception.kind !== 'value'
          ? 'invalidSyntax'
          : exception.field === 'filter' && /\/\.search(?:$|\?)/.test(url)
            ? 'invalidFilter'
            : 'invalidValue';
      return sendScimError(reply, 400, exception.message, scimType);
    }
    if (isFastifyClientError(exception)) {
      if (exception.statusCode === 413)
        return sendScimError(
          reply,
          413,
          'request body exceeds the maximum size (see ServiceProviderConfig bulk.maxPayloadSize)',
        );
      if (exception.statusCode === 415)
        return sendScimError(reply, 415, 'use Content-Type application/scim+json or application/json');
      return sendScimError(reply, 400, 'request body is not valid JSON', 'invalidSyntax');
    }
    if (isDatabaseUnavailable(exception)) {
      // Nothing was written (the statement never ran or its transaction died with the connection): retry is safe.
      noteDatabaseUnavailable(exception);
      void reply.header('Retry-After', String(DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS));
      return sendScimError(
        reply,
        503,
        'service temporarily unavailable (database unreachable); retry after the Retry-After delay',
      );
    }
    const correlationId = RequestContext.current()?.correlationId;
    this.logger.error(
      `unhandled SCIM error (correlation ${correlationId}): ${(exception as Error)?.stack ?? String(exception)}`,
    );
    return sendScimError(reply, 500, `internal error (correlation id ${correlationId ?? 'n/a'})`);
  }
}
