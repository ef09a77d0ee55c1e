import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ScimPrincipal } from '../../tenancy/public';

/** The authenticated connection of a SCIM request (set by ScimBearerGuard). */
export const ScimConnection = createParamDecorator((_: unknown, ctx: ExecutionContext): ScimPrincipal => {
  return ctx.switchToHttp().getRequest<{ user: ScimPrincipal }>().user;
});
