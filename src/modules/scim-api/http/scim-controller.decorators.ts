import { applyDecorators, UseFilters, UseGuards, UseInterceptors } from '@nestjs/common';
import { Auth } from '../../../shared/http/auth.decorator';
import { ScimContentTypeInterceptor } from '../../../shared/scim/scim-content-type.interceptor';
import { ScimExceptionFilter } from '../../../shared/scim/scim-exception.filter';
import { ConnectionThrottlerGuard } from './connection-throttler.guard';
import { ScimBearerGuard } from './scim-bearer.guard';

/** Everything a SCIM controller needs: bearer auth, then the per-connection limit, SCIM errors and content type. */
export const ScimEndpoint = () =>
  applyDecorators(
    Auth('scim'),
    UseGuards(ScimBearerGuard, ConnectionThrottlerGuard),
    UseFilters(ScimExceptionFilter),
    UseInterceptors(ScimContentTypeInterceptor),
  );
