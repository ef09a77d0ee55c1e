import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Principal } from '../domain/principal';
import { principalOf } from './principal';

/** The caller's Principal in a handler (set by ApiAccessGuard; admin-authenticated routes only). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = principalOf(ctx.switchToHttp().getRequest());
  if (!principal) throw new Error('CurrentPrincipal used on a route without an API-key principal');
  return principal;
});
