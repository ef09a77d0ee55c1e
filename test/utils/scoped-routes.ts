import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AUTH_SCHEME } from '../../src/shared/http/auth.decorator';
import type { PrincipalScope } from '../../src/shared/domain/principal';
import { ROUTE_SCOPES, ROUTE_TENANT, type TenantSource } from '../../src/shared/http/route-access';

export interface AppRoute {
  method: string;
  /** `/admin/v1/tenants/:tenantId`. */
  path: string;
  /** `GET /admin/v1/tenants/:tenantId`. */
  route: string;
  scheme: string;
  scopes: PrincipalScope[] | undefined;
  tenant: TenantSource | undefined;
  guards: string[];
}

/** Every route of the running app, read from the Nest router's metadata (what the guard reads too). */
export function appRoutes(app: NestFastifyApplication): AppRoute[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: AppRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const cls = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!cls || !wrapper.instance) continue;
    const base = Reflect.getMetadata('path', cls) as string;
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance))) {
      const handler = (wrapper.instance as Record<string, unknown>)[name] as () => void;
      const sub = Reflect.getMetadata('path', handler) as string | undefined;
      if (sub === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata('method', handler) as number];
      const path = `/${base}/${sub}`.replace(/\/+/g, '/').replace(/\/$/, '');
      routes.push({
        method,
        path,
        route: `${method} ${path}`,
        scheme: reflector.getAllAndOverride<string>(AUTH_SCHEME, [handler, cls]) ?? 'admin',
        scopes: reflector.getAllAndOverride<PrincipalScope[] | undefined>(ROUTE_SCOPES, [handler, cls]),
        tenant: reflector.getAllAndOverride<TenantSource | undefined>(ROUTE_TENANT, [handler, cls]),
        guards: [
          ...((Reflect.getMetadata('__guards__', cls) as unknown[] | undefined) ?? []),
          ...((Reflect.getMetadata('__guards__', handler) as unknown[] | undefined) ?? []),
        ].map((g) => (g as { name?: string }).name ?? String(g)),
      });
    }
  }
  return routes;
}
