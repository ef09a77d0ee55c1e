import type { HttpResult } from './http-client';

export const SCIM_ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';
export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** RFC 7644 §3.1: every SCIM response, errors included, is application/scim+json. */
export function expectScimContentType(res: HttpResult): void {
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/scim\+json\b/);
}

/** RFC 7644 §3.12 error envelope: the Error URN, `status` as a string, a `detail`, and scimType when given. */
export function expectScimError(res: HttpResult, status: number, scimType?: string): void {
  const context = `${res.status} ${res.text.slice(0, 500)}`;
  expect({ status: res.status, context }).toEqual({ status, context });
  expectScimContentType(res);
  expect(res.body?.schemas).toEqual([SCIM_ERROR_URN]);
  expect(res.body?.status).toBe(String(status));
  expect(typeof res.body?.detail).toBe('string');
  if (scimType !== undefined) expect(res.body?.scimType).toBe(scimType);
  // No stack traces leak into SCIM errors.
  expect(res.text).not.toMatch(/\bat .+\.(?:js|ts):\d+/);
}

/** Asserts the status and shows the body when it differs (a bare toBe(201) hides the server's reason). */
export function expectStatus(res: HttpResult, status: number): void {
  const context = `${res.status} ${res.text.slice(0, 500)}`;
  expect({ status: res.status, context }).toEqual({ status, context });
}

/** JSON paths of every `null` in a document (Entra rejects discovery documents holding nulls). */
export function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== undefined) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  }
  return [];
}
