import type { PrincipalScope } from '../../../shared/domain/principal';
import type { ApiKeyRow } from '../infrastructure/api-key.repository';
import type { ApiKeyPayload } from '../public/events/api-key-event.types';

/** An API key as lists show it: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  scope: PrincipalScope;
  tenantId: string | null;
  prefix: string;
  createdAt: string;
  createdByKeyId: string;
  lastUsedAt: string | null;
}

/** The only place a key's secret exists: the 201 of its creation. */
export interface CreatedApiKeyView {
  id: string;
  name: string;
  scope: PrincipalScope;
  tenantId: string | null;
  key: string;
  prefix: string;
  createdAt: string;
}

export const toApiKeyView = (k: ApiKeyRow): ApiKeyView => ({
  id: k.id,
  name: k.name,
  scope: k.scope,
  tenantId: k.tenantId,
  prefix: k.prefix,
  createdAt: k.createdAt.toISOString(),
  createdByKeyId: k.createdByKeyId,
  lastUsedAt: k.lastUsedAt ? k.lastUsedAt.toISOString() : null,
});

/** The key as its events name it: the same fields on creation and revocation. */
export const toApiKeyPayload = (k: ApiKeyRow): ApiKeyPayload => ({
  keyId: k.id,
  name: k.name,
  scope: k.scope,
  keyTenantId: k.tenantId,
  prefix: k.prefix,
});
