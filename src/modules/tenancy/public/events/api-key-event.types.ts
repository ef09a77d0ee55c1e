/** The API key a `tenancy.api_key.*` event is about (never its secret or hash). */
export interface ApiKeyPayload {
  keyId: string;
  name: string;
  scope: 'admin' | 'tenant' | 'sessions';
  keyTenantId: string | null;
  prefix: string;
}
