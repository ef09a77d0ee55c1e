import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AUTH_SCHEME, type AuthScheme } from './auth.decorator';
import { type Principal, type PrincipalScope } from '../domain/principal';
import { PRINCIPAL_KEY, type AuthenticatedRequest } from './principal';
import { PrincipalResolver } from './principal-resolver';
import { RequestContext } from '../context/request-context';
import { ROUTE_SCOPES, ROUTE_TENANT, type TenantSource } from './route-access';
import { TenantOwnership } from './tenant-ownership';

type GuardedRequest = AuthenticatedRequest & {
  params?: Record<string, string | undefined>;
  query?: Record<string, unknown>;
  body?: unknown;
};

const ADMIN_ONLY: readonly PrincipalScope[] = ['admin'];

/** Another tenant's resource answers like a missing one, so a key cannot probe for ids. */
const notFound = () => new NotFoundException({ error: 'not_found', message: 'resource not found', details: [] });

/**
 * Global guard, deny by default: every route needs an API key (or the bootstrap ADMIN_TOKEN) — as a
 * bearer, or behind a console session cookie with its CSRF defence — unless it declares `@Auth('scim')` (which brings its own guard) or `@Auth('public')`. It resolves the
 * caller (PrincipalResolver), then authorises by the route's declared scopes (`@AllowScopes`, admin
 * only when undeclared) and, for a key bound to a tenant, by the tenant the route touches
 * (`@TenantFrom`).
 */
@Injectable()
export class ApiAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalResolver,
    private readonly ownership: TenantOwnership,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const scheme = this.reflector.getAllAndOverride<AuthScheme | undefined>(AUTH_SCHEME, targets) ?? 'admin';
    if (scheme !== 'admin') return true;
    const req = context.switchToHttp().getRequest<GuardedRequest>();
    const principal = await this.principals.resolve(req);
    if (!principal) throw new UnauthorizedException('missing or invalid API key');
    req[PRINCIPAL_KEY] = principal;
    RequestContext.setActor({
      type: 'admin',
      keyId: principal.keyId,
      keyName: principal.keyName,
      scope: principal.scope,
    });
    const scopes = this.reflector.getAllAndOverride<PrincipalScope[] | undefined>(ROUTE_SCOPES, targets) ?? ADMIN_ONLY;
    if (!scopes.includes(principal.scope)) {
      throw new ForbiddenException({
        error: 'forbidden',
        message: `an API key of scope "${principal.scope}" may not call this route`,
        details: [{ field: 'scope', problem: `this route accepts keys of scope ${scopes.join(', ')}` }],
      });
    }
    if (principal.tenantId === null) return true;
    const source = this.reflector.getAllAndOverride<TenantSource | undefined>(ROUTE_TENANT, targets);
    // A tenant-bound key on a route that does not say which tenant it touches: refuse (fail closed).
    if (!source) {
      throw new ForbiddenException({
        error: 'forbidden',
        message: 'this route is not scoped to a tenant',
        details: [{ field: 'scope', problem: 'use an admin key' }],
      });
    }
    await this.checkTenant(req, source, principal);
    return true;
  }

  private async checkTenant(req: GuardedRequest, source: TenantSource, principal: Principal): Promise<void> {
    const own = principal.tenantId;
    switch (source.from) {
      case 'principal':
        return;
      case 'param': {
        const id = req.params?.[source.name];
        if (typeof id !== 'string') throw notFound();
        const tenantId = source.kind ? await this.ownership.tenantOf(source.kind, id) : id;
        if (tenantId === null || tenantId.toLowerCase() !== own) throw notFound();
        return;
      }
      case 'query':
      case 'body': {
        const holder = source.from === 'query' ? req.query : req.body;
        // Not an object: the body's validation answers 400 later.
        if (holder === null || typeof holder !== 'object') return;
        const fields = holder as Record<string, unknown>;
        const value = fields[source.name];
        if (value === undefined || value === '') fields[source.name] = own;
        else if (typeof value !== 'string' || value.toLowerCase() !== own) throw notFound();
        return;
      }
    }
  }
}
