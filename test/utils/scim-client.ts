import type { TenantFixture } from '../factories/tenant.factory';
import { HttpClient, type HttpResult } from './http-client';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** Speaks to one SCIM connection the way an IdP does: its Tenant URL, its bearer token, scim+json bodies. */
export class ScimClient {
  readonly http: HttpClient;
  readonly prefix: string;

  constructor(baseUrl: string, fixture: Pick<TenantFixture, 'connectionId' | 'token'>) {
    this.http = new HttpClient(baseUrl, fixture.token);
    this.prefix = `/scim/v2/${fixture.connectionId}`;
  }

  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult<T>> {
    return this.http.request<T>(method, this.prefix + path, { body, headers, contentType: SCIM_CONTENT_TYPE });
  }
  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  put<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }
  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
}

export const patchOp = (...ops: Array<Record<string, unknown>>) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});
