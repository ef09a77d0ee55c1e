import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { SCIM_CONTENT_TYPE } from './scim.constants';

/** RFC 7644 §3.1 / Entra: every SCIM response is `application/scim+json`. */
@Injectable()
export class ScimContentTypeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    void context.switchToHttp().getResponse<FastifyReply>().header('content-type', `${SCIM_CONTENT_TYPE}; charset=utf-8`);
    return next.handle();
  }
}
