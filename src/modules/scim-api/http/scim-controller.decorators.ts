import { applyDecorators, UseFilters, UseGuards } from '@nestjs/common';
import { Auth } from '../../../shared/http/auth.decorator';
import { ScimExceptionFilter } from '../../../shared/scim/scim-exception.filter';
import { ConnectionThrottlerGuard } from './connection-throttler.guard';
import { ScimBearerGuard } from './scim-bearer.guard';

/** Everything a SCIM controller needs: bearer auth, then the per-connection limit, and SCIM errors. */
export const ScimEndpoint = () =>
  applyDecorators(Auth('scim'), UseGuards(ScimBearerGuard, ConnectionThrottlerGuard), UseFilters(ScimExceptionFilter));
