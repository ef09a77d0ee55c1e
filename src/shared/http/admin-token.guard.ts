import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ADMIN_TOKEN } from './admin-token.constants';
import { AUTH_SCHEME, type AuthScheme } from './auth.decorator';
import { RequestContext } from './request-context';

/**
 * Global guard: every route needs the admin bearer token unless it declares `@Auth('scim')` (which
 * brings its own guard) or `@Auth('public')`. Deny by default, so a new route cannot ship open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    private readonly reflector: Reflector,
    @Inject(ADMIN_TOKEN) adminToken: string,
  ) {
    this.expected = createHash('sha256').update(adminToken).digest();
  }

  canActivate(context: ExecutionContext): boolean {
    const scheme =
      this.reflector.getAllAndOverride<AuthScheme | undefined>(AUTH_SCHEME, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'admin';
    if (scheme !== 'admin') return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const presented = createHash('sha256')
      .update(match?.[1] ?? '')
      .digest();
    if (!match || !timingSafeEqual(presented, this.expected)) {
      throw new UnauthorizedException('missing or invalid admin token');
    }
    RequestContext.setActor({ type: 'admin' });
    return true;
  }
}
