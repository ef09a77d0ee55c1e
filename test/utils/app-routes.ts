import { RequestMethod, type Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getMetadataStorage } from 'class-validator';
import { AUTH_SCHEME } from '../../src/shared/http/auth.decorator';

export interface AppRoute {
  method: string;
  /** `/admin/v1/tenants/:tenantId/members`, as routed. */
  path: string;
  /** `admin` (the default), `scim` or `public`. */
  scheme: string;
  /** Names of the `:params` in the path. */
  params: string[];
  /** Properties the handler's DTOs (body and query) validate, read from class-validator's metadata. */
  fields: string[];
}

/** Every route of the running app, from Nest's controller metadata (a new route appears here by itself). */
export function listAppRoutes(app: NestFastifyApplication): AppRoute[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const storage = getMetadataStorage();
  const routes: AppRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const cls = wrapper.metatype as Type | undefined;
    if (!cls || !wrapper.instance) continue;
    const prototype = Object.getPrototypeOf(wrapper.instance) as object;
    const base = Reflect.getMetadata('path', cls) as string;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = (wrapper.instance as Record<string, unknown>)[name] as () => void;
      const sub = Reflect.getMetadata('path', handler) as string | undefined;
      if (sub === undefined) continue;
      const path = `/${base}/${sub}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
      const paramTypes = (Reflect.getMetadata('design:paramtypes', prototype, name) ?? []) as unknown[];
      const fields = new Set<string>();
      for (const t of paramTypes) {
        if (typeof t !== 'function') continue;
        for (const m of storage.getTargetValidationMetadatas(t, '', false, false)) fields.add(m.propertyName);
      }
      routes.push({
        method: RequestMethod[Reflect.getMetadata('method', handler) as number],
        path,
        scheme: reflector.getAllAndOverride<string>(AUTH_SCHEME, [handler, cls]) ?? 'admin',
        params: [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]),
        fields: [...fields],
      });
    }
  }
  return routes;
}
