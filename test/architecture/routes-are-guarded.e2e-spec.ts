import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AUTH_SCHEME } from '../../src/shared/http/auth.decorator';
import { REQUEST_VALIDATION_PIPE } from '../../src/shared/http/request-validation';
import { createTestApp, type TestApp } from '../utils/create-test-app';

/**
 * Every route either needs the admin token (the global guard's default), declares `@Auth('scim')`
 * AND carries the SCIM bearer guard, or is explicitly `@Auth('public')` — and the public list is
 * short and known. A new route cannot ship open by accident.
 */
describe('routes are guarded', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has no route outside admin, scim or an explicit public allow-list', () => {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const reflector = t.app.get(Reflector);
    const routes: Array<{ route: string; scheme: string; guards: string[] }> = [];
    for (const wrapper of discovery.getControllers()) {
      const cls = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!cls || !wrapper.instance) continue;
      const base = Reflect.getMetadata('path', cls) as string;
      for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(wrapper.instance))) {
        const handler = (wrapper.instance as Record<string, unknown>)[name] as object;
        const path = Reflect.getMetadata('path', handler) as string | undefined;
        if (path === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata('method', handler) as number];
        const scheme = reflector.getAllAndOverride<string>(AUTH_SCHEME, [handler as () => void, cls]) ?? 'admin';
        const guards = [
          ...(Reflect.getMetadata('__guards__', cls) ?? []),
          ...(Reflect.getMetadata('__guards__', handler) ?? []),
        ].map((g: { name?: string; toString(): string }) => g.name ?? g.toString());
        routes.push({ route: `${method} /${base}/${path}`.replace(/\/+/g, '/').replace(/\/$/, ''), scheme, guards });
      }
    }
    expect(routes.length).toBeGreaterThan(20);
    const publicRoutes = routes.filter((r) => r.scheme === 'public').map((r) => r.route);
    expect(publicRoutes.sort()).toEqual([
      'GET /health',
      'GET /health/live',
      'GET /health/ready',
      'POST /admin/v1/console-sessions',
    ]);
    const scimWithoutBearer = routes.filter((r) => r.scheme === 'scim' && !r.guards.includes('ScimBearerGuard'));
    expect(scimWithoutBearer).toEqual([]);
    const unknownScheme = routes.filter((r) => !['admin', 'scim', 'public'].includes(r.scheme));
    expect(unknownScheme).toEqual([]);
  });

  it('validates the request DTOs of every route but the SCIM ones (ValidateRequests: there is no global pipe)', () => {
    const discovery = t.app.get(DiscoveryService);
    const reflector = t.app.get(Reflector);
    const unvalidated: string[] = [];
    let checked = 0;
    for (const wrapper of discovery.getControllers()) {
      const cls = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!cls || !wrapper.instance) continue;
      if (reflector.get<string>(AUTH_SCHEME, cls) === 'scim') continue;
      checked++;
      if (!((Reflect.getMetadata('__pipes__', cls) ?? []) as unknown[]).includes(REQUEST_VALIDATION_PIPE))
        unvalidated.push(cls.name);
    }
    expect(checked).toBeGreaterThan(8);
    expect(unvalidated).toEqual([]);
  });

  it('answers 401 on every admin route without a token', async () => {
    for (const path of [
      '/admin/v1/tenants/x',
      '/admin/v1/scim-connections/x',
      '/v1/sessions/introspect',
      '/admin/v1/tenants/x/members/y/sessions',
    ]) {
      const res = await t.http.get(path);
      expect([401, 404]).toContain(res.status);
      if (res.status === 404) expect(path).toBe('/v1/sessions/introspect'); // POST-only route: GET is unrouted
    }
  });
});
