import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_ENV, type AppEnv } from '../../config/env.schema';
import { AUTH_SCHEME, type AuthScheme } from './auth.decorator';
import { consoleCookieName, consoleRequestIsSameOrigin, readCookie } from './console-csrf';
import { ApiKeyVerifier, ConsoleSessionResolver, type Principal } from './principal';
import { RequestContext } from './request-context';

/** The request as the guard leaves it: who called, and through which console session (if any). */
export interface AuthenticatedRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
  consoleSessionId?: string;
}

/**
 * Global guard: every route needs an admin API key — as a bearer, or as the console's session
 * cookie together with its CSRF defence — unless it declares `@Auth('scim')` (which brings its own
 * guard) or `@Auth('public')`. Deny by default, so a new route cannot ship open.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly cookieName: string;

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyVerifier,
    @Inject(APP_ENV) private readonly env: AppEnv,
    @Optional() private readonly consoleSessions?: ConsoleSessionResolver,
  ) {
    this.cookieName = consoleCookieName(env);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scheme =
      this.reflector.getAllAndOverride<AuthScheme | undefined>(AUTH_SCHEME, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'admin';
    if (scheme !== 'admin') return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const authorization = req.headers.authorization;
    const cookie = readCookie(typeof req.headers.cookie === 'string' ? req.headers.cookie : undefined, this.cookieName);
    let principal: Principal | null;
    if (authorization === undefined && cookie !== undefined && this.consoleSessions) {
      if (!consoleRequestIsSameOrigin(req, this.env)) {
        throw new ForbiddenException(
          'console requests must come from the console (X-Roster-Console header, same origin)',
        );
      }
      const session = await this.consoleSessions.resolve(cookie);
      if (!session) throw new UnauthorizedException('console session ended or expired; sign in again');
      principal = session.principal;
      req.consoleSessionId = session.sessionId;
    } else {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(typeof authorization === 'string' ? authorization : '');
      principal = match ? await this.keys.verify(match[1]) : null;
    }
    if (!principal) throw new UnauthorizedException('missing or invalid admin token');
    req.principal = principal;
    RequestContext.setActor({ type: 'admin' });
    return true;
  }
}
