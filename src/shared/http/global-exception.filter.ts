import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS,
  isDatabaseUnavailable,
  noteDatabaseUnavailable,
} from '../database/database-unavailable';
import { DomainError } from '../domain/domain-error';
import { ScimExceptionFilter } from '../scim/scim-exception.filter';
import { isFastifyClientError } from './fastify-errors';
import { DOMAIN_ERROR_STATUS } from './http-errors';
import { RejectedInput } from './json-body';
import { RequestContext } from '../context/request-context';

const ERROR_NAME: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/**
 * Errors of the admin and session APIs as `{error, message, details?}`. An unreachable database is a
 * 503 with Retry-After; a throttle's 429 has one too. Unexpected errors are logged once here and
 * answered with a generic 500 and the correlation id — never a stack trace.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');
  private readonly scim = new ScimExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // Anything under /scim/ (unknown routes, body errors raised before routing) speaks SCIM.
    const url = host.switchToHttp().getRequest<{ url?: string }>().url ?? '';
    if (url.startsWith('/scim/')) return this.scim.catch(exception, host);
    const correlationId = RequestContext.current()?.correlationId;
    let status: number;
    let body: Record<string, unknown>;
    if (exception instanceof DomainError) {
      status = DOMAIN_ERROR_STATUS[exception.kind];
      body = { error: ERROR_NAME[status] ?? 'error', message: exception.message };
      if (exception.details.length > 0) body.details = exception.details;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const res = exception.getResponse();
      body =
        typeof res === 'object' && res !== null && 'error' in res && 'details' in res
          ? res
          : { error: ERROR_NAME[status] ?? 'error', message: typeof res === 'string' ? res : exception.message };
      // A throttle's 429 (AuthFailureLimiter) says when to come back.
      const retryAfter = (res as { retryAfter?: unknown } | null)?.retryAfter;
      if (typeof retryAfter === 'number') void reply.header('Retry-After', String(retryAfter));
    } else if (exception instanceof RejectedInput) {
      status = exception.statusCode;
      body =
        status === 404
          ? { error: 'not_found', message: 'resource not found' }
          : {
              error: ERROR_NAME[status],
              message: exception.message,
              details: [{ field: exception.field, problem: exception.problem }],
            };
      if (status === 415) void reply.header('Accept-Encoding', 'identity');
    } else if (isFastifyClientError(exception)) {
      status = exception.statusCode;
      body = { error: ERROR_NAME[status] ?? 'invalid_request', message: exception.message };
    } else if (isDatabaseUnavailable(exception)) {
      noteDatabaseUnavailable(exception);
      status = HttpStatus.SERVICE_UNAVAILABLE;
      body = { error: 'service_unavailable', message: 'database unreachable; retry later', correlationId };
      void reply.header('Retry-After', String(DATABASE_UNAVAILABLE_RETRY_AFTER_SECONDS));
    } else {
      status = HttpStatus.INTERNAL_SERVER_ERROR;
      body = { error: 'internal_error', message: 'internal error', correlationId };
      this.logger.error(
        `unhandled error (correlation ${correlationId}): ${(exception as Error)?.stack ?? String(exception)}`,
      );
    }
    if (status === 401) void reply.header('WWW-Authenticate', 'Bearer');
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
