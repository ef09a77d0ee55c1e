import type { TenantFixture } from '../factories/tenant.factory';
import { HttpClient, type HttpResult } from './http-client';

/** One request an IdP sent and what Roster answered. */
export interface Exchange {
  readonly step: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** Statuses the test declared as the expected answer to this very request (e.g. 404 after a DELETE). */
  readonly expected: readonly number[];
  /** The response Content-Type (empty for a body-less answer). */
  readonly contentType: string;
  readonly text: string;
}

export interface IdpClientOptions {
  /** `application/scim+json` (Entra) or `application/json` (Okta). */
  readonly contentType: string;
  /** Headers sent on every request (`User-Agent: Okta SCIM Client 1.0.0`). */
  readonly headers?: Record<string, string>;
  /** A flag appended to every URL, as when it is part of the Tenant URL (`aadOptscim062020`). */
  readonly flag?: string;
}

/**
 * Speaks to one SCIM connection like an IdP's provisioning job and records every exchange, so a
 * cycle can be checked for "zero failed operations" at the end.
 */
export class IdpClient {
  private readonly http: HttpClient;
  private readonly prefix: string;

  constructor(
    private readonly baseUrl: string,
    private readonly connection: Pick<TenantFixture, 'connectionId' | 'token'>,
    readonly options: IdpClientOptions,
    readonly log: Exchange[] = [],
  ) {
    this.http = new HttpClient(baseUrl, connection.token);
    this.prefix = `/scim/v2/${connection.connectionId}`;
  }

  /** The same connection and log with other options (e.g. the `?aadOptscim062020` Tenant URL). */
  with(options: Partial<IdpClientOptions>): IdpClient {
    return new IdpClient(this.baseUrl, this.connection, { ...this.options, ...options }, this.log);
  }

  url(path: string): string {
    if (!this.options.flag) return this.prefix + path;
    const q = path.indexOf('?');
    return q < 0
      ? `${this.prefix}${path}?${this.options.flag}`
      : `${this.prefix}${path.slice(0, q)}?${this.options.flag}&${path.slice(q + 1)}`;
  }

  async request<T = any>(
    step: string,
    method: string,
    path: string,
    body?: unknown,
    expected: readonly number[] = [],
  ): Promise<HttpResult<T>> {
    const url = this.url(path);
    const res = await this.http.request<T>(method, url, {
      ...(body !== undefined && body !== null ? { body } : {}),
      contentType: this.options.contentType,
      headers: { accept: 'application/scim+json, application/json', ...this.options.headers },
    });
    this.log.push({
      step,
      method,
      url,
      status: res.status,
      expected,
      contentType: res.headers.get('content-type') ?? '',
      text: res.text.slice(0, 300),
    });
    return res;
  }

  get<T = any>(step: string, path: string, expected?: readonly number[]) {
    return this.request<T>(step, 'GET', path, undefined, expected);
  }
  post<T = any>(step: string, path: string, body: unknown) {
    return this.request<T>(step, 'POST', path, body);
  }
  put<T = any>(step: string, path: string, body: unknown) {
    return this.request<T>(step, 'PUT', path, body);
  }
  patch<T = any>(step: string, path: string, body: unknown) {
    return this.request<T>(step, 'PATCH', path, body);
  }
  delete<T = any>(step: string, path: string) {
    return this.request<T>(step, 'DELETE', path);
  }

  /** Exchanges that failed (≥ 400) although the test did not declare that status as expected. */
  failures(): Exchange[] {
    return this.log.filter((e) => e.status >= 400 && !e.expected.includes(e.status));
  }
}
