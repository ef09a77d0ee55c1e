/** Fastify's own 4xx (body too large, bad JSON, bad content type) carry a statusCode. */
export function isFastifyClientError(e: unknown): e is { statusCode: number; message: string; code?: string } {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { statusCode?: unknown }).statusCode === 'number' &&
    (e as { statusCode: number }).statusCode >= 400 &&
    (e as { statusCode: number }).statusCode < 500
  );
}
