import { ForbiddenException, Inject, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../config/env.schema';
import { consoleCookieName, consoleRequestIsSameOrigin, readCookie } from './console-csrf';
import { ApiKeyVerifier, ConsoleSessionResolver, type Principal } from '../domain/principal';
import { type AuthenticatedRequest } from './principal';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Turns a request's credentials into a Principal — the one place that knows how a principal is
 * presented: an API key as a bearer (the Authorization header only: a key in a query string would
 * land in access logs), or the console's session cookie together with its CSRF defence.
 */
@Injectable()
export class PrincipalResolver {
  private readonly cookieName: string;

  constructor(
    private readonly keys: ApiKeyVerifier,
    @Inject(APP_ENV) private readonly env: AppEnv,
    @Optional() private readonly consoleSessions?: ConsoleSessionResolver,
  ) {
    this.cookieName = consoleCookieName(env);
  }

  /**
   * The caller's principal, or null when the request presents no valid credential. Throws for a
   * console cookie without its CSRF defence (403) or of an ended session (401, said so).
   */
  async resolve(req: AuthenticatedRequest): Promise<Principal | null> {
    const authorization = req.headers.authorization;
    const cookie = readCookie(typeof req.headers.cookie === 'string' ? req.headers.cookie : undefined, this.cookieName);
    if (authorization === undefined && cookie !== undefined && this.consoleSessions) {
      if (!consoleRequestIsSameOrigin(req, this.env)) {
        throw new ForbiddenException(
          'console requests must come from the console (X-Roster-Console header, same origin)',
        );
      }
      const session = await this.consoleSessions.resolve(cookie);
      if (!session) throw new UnauthorizedException('console session ended or expired; sign in again');
      req.consoleSessionId = session.sessionId;
      return session.principal;
    }
    const match = typeof authorization === 'string' ? BEARER.exec(authorization) : null;
    return match ? this.keys.verify(match[1], req.ip ?? '') : null;
  }
}
