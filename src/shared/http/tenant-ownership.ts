import { Injectable } from '@nestjs/common';

/** Answers which tenant owns a resource id; null when there is no such resource (or the id is malformed). */
export type TenantOfResource = (id: string) => Promise<string | null>;

/**
 * Resource kind → owning tenant, filled by the modules that own each kind (they register at init),
 * so the guard can scope a tenant's key to its own resources without importing any module.
 */
@Injectable()
export class TenantOwnership {
  private readonly resolvers = new Map<string, TenantOfResource>();

  register(kind: string, resolve: TenantOfResource): void {
    if (this.resolvers.has(kind)) throw new Error(`tenant resolver for "${kind}" registered twice`);
    this.resolvers.set(kind, resolve);
  }

  tenantOf(kind: string, id: string): Promise<string | null> {
    const resolve = this.resolvers.get(kind);
    if (!resolve) throw new Error(`no tenant resolver registered for "${kind}"`);
    return resolve(id);
  }
}
