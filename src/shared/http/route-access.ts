import { SetMetadata } from '@nestjs/common';
import type { PrincipalScope } from '../domain/principal';

export const ROUTE_SCOPES = 'roster:route-scopes';
export const ROUTE_TENANT = 'roster:route-tenant';

/**
 * Which API-key scopes may call a route (on a handler or its controller; the handler's wins). Every
 * admin-authenticated route declares it: the access matrix test fails on a route without it, and the
 * guard lets only `admin` keys through an undeclared one.
 */
export const AllowScopes = (...scopes: PrincipalScope[]) => SetMetadata(ROUTE_SCOPES, scopes);

/**
 * Where the tenant a route touches comes from, for keys bound to a tenant:
 * - `param`: a path parameter that is the tenant id, or (with `kind`) the id of a resource whose
 *   tenant TenantOwnership resolves — another tenant's resource is a 404, as an unknown one;
 * - `query` / `body`: a field naming the tenant; absent → set to the key's tenant, another → 404;
 * - `principal`: the handler itself confines what it reads to the key's tenant (lists).
 */
export type TenantSource =
  | { readonly from: 'param'; readonly name: string; readonly kind?: string }
  | { readonly from: 'query' | 'body'; readonly name: string }
  | { readonly from: 'principal' };

export const TenantFrom = (source: TenantSource) => SetMetadata(ROUTE_TENANT, source);
