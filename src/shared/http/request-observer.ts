import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics';
import type { ScimTraffic } from '../metrics/scim-traffic';
import type { RequestContextData } from '../context/request-context';
import { principalOf } from './principal';

const SCIM_RESOURCE: Record<string, [singular: string, plural: string]> = {
  Users: ['user', 'users'],
  Groups: ['group', 'groups'],
};

/** `create user`, `patch group`, `list users`, `get schemas` … from the method and the route pattern. */
function scimOperation(method: string, route: string): string {
  const parts = route.split('/').slice(4); // '', 'scim', 'v2', ':connectionId', …
  const resource = SCIM_RESOURCE[parts[0] ?? ''];
  if (!resource) return parts.length > 0 ? `get ${parts[0].toLowerCase()}` : 'unknown';
  const [one, many] = resource;
  if (parts.length === 1) return method === 'POST' ? `create ${one}` : `list ${many}`;
  if (parts[1] === '.search') return `search ${many}`;
  const verb = { GET: 'get', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' }[method] ?? method.toLowerCase();
  return `${verb} ${one}`;
}

interface RouteFacts {
  route: string;
  api: 'scim' | 'admin' | 'sessions' | 'other';
  operation: string | undefined;
}

/**
 * One JSON line and the HTTP metrics per answered request: ISO time, level, reqId (the echoed
 * x-request-id), method, route PATTERN, status, ms; for SCIM the connection id and operation, for the
 * admin API the key id. Never the raw URL (a query string may carry a filter with personal data),
 * a header, a token or a body.
 */
export function requestObserver(logger: Logger, metrics: Metrics | undefined, traffic: ScimTraffic | undefined) {
  const facts = new Map<string, RouteFacts>();
  const factsFor = (method: string, pattern: string | undefined): RouteFacts => {
    const route = pattern ?? 'unmatched';
    const key = `${method} ${route}`;
    let f = facts.get(key);
    if (!f) {
      const api = route.startsWith('/scim/')
        ? 'scim'
        : route.startsWith('/admin/')
          ? 'admin'
          : route.startsWith('/v1/sessions')
            ? 'sessions'
            : 'other';
      f = { route, api, operation: api === 'scim' ? scimOperation(method, route) : undefined };
      // Unmatched requests share one entry: the map stays as small as the route table.
      facts.set(key, f);
    }
    return f;
  };

  return (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const status = reply.statusCode;
    const f = factsFor(req.method, req.routeOptions.url);
    const ms = reply.elapsedTime;
    const principal = (req as { user?: { connectionId?: string } }).user;
    const connectionId =
      f.api === 'scim' ? (req.params as { connectionId?: string } | undefined)?.connectionId : undefined;
    if (connectionId !== undefined) traffic?.record(connectionId, status);
    if (metrics) {
      const code = String(status);
      metrics.httpDuration.observe({ method: req.method, route: f.route, status: code }, ms / 1000);
      if (f.api === 'scim') {
        const connection = principal?.connectionId ?? '';
        metrics.scimRequests.inc({ connection, operation: f.operation, status: code });
        if (status === 429) metrics.scimThrottled.inc({ connection });
      }
      if (status === 401 && f.api !== 'other') metrics.authFailures.inc({ api: f.api });
      // A 429 before any principal was resolved is the failed-authentication throttle's.
      const authenticated = f.api === 'scim' ? principal?.connectionId !== undefined : principalOf(req) !== undefined;
      if (status === 429 && f.api !== 'other' && !authenticated) metrics.authThrottled.inc({ api: f.api });
    }
    const level = status >= 500 ? 'error' : 'info';
    if (logger.isLevelEnabled(level)) {
      const actor = (req as { rosterContext?: RequestContextData }).rosterContext?.actor as
        { keyId?: string } | undefined;
      logger[level](
        {
          reqId: reply.getHeader('x-request-id'),
          method: req.method,
          route: f.route,
          status,
          ms: Math.round(ms * 10) / 10,
          ...(connectionId !== undefined ? { connectionId, op: f.operation } : {}),
          ...(actor?.keyId !== undefined ? { keyId: actor.keyId } : {}),
        },
        'request',
      );
    }
    done();
  };
}
