import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import { registerConsole } from './modules/console/http/console-static';
import type { AppEnv } from './config/env.schema';
import { assertIdentityEncoding, assertStorableParameters, parseJsonBody } from './shared/http/json-body';
import { RequestContext, type RequestContextData } from './shared/context/request-context';
import { requestObserver } from './shared/http/request-observer';
import { AppLogger, createAppLogger } from './shared/logging/app-logger';
import { Metrics } from './shared/metrics/metrics';
import { ScimTraffic } from './shared/metrics/scim-traffic';
import { setupOpenApi } from './shared/openapi/openapi';
import { sendScimError } from './shared/scim/scim-exception.filter';
import { SCIM_CONTENT_TYPE, SCIM_MESSAGE } from './shared/scim/scim.constants';

/** The process logger (pino): JSON lines in production or with LOG_FORMAT=json, pino-pretty otherwise. */
export function createLogger(env: AppEnv, destination?: Parameters<typeof createAppLogger>[1]): AppLogger {
  return createAppLogger(env, destination);
}

/**
 * RFC 7644 §3.2 endpoint names are case-insensitive in practice (`/users`, `/Users`): rewrite the
 * resource segment to its canonical case before routing, leaving connection ids and resource ids intact.
 */
const SCIM_SEGMENTS: Record<string, string> = {
  users: 'Users',
  groups: 'Groups',
  serviceproviderconfig: 'ServiceProviderConfig',
  serviceproviderconfigs: 'ServiceProviderConfig',
  resourcetypes: 'ResourceTypes',
  schemas: 'Schemas',
  bulk: 'Bulk',
  me: 'Me',
  '.search': '.search',
};
const SCIM_URL = /^\/scim\/v2\/([^/?#]+)(?:\/([^/?#]+))?(.*)$/i;

export function canonicalScimUrl(url: string): string {
  const m = SCIM_URL.exec(url);
  if (!m) return url;
  const segment = m[2] === undefined ? '' : `/${SCIM_SEGMENTS[m[2].toLowerCase()] ?? m[2]}`;
  let rest = m[3];
  const sub = /^\/(\.search)(.*)$/i.exec(rest);
  if (sub) rest = `/.search${sub[2]}`;
  return `/scim/v2/${m[1]}${segment}${rest}`;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Node refuses some requests before Fastify sees them — above all a request line + headers past its
 * 16 KB limit (a very long `filter` in the URL) → 431. Fastify's default answer is its own JSON; under
 * /scim/ it must be the RFC 7644 §3.12 envelope like every other SCIM error (the request line is the
 * start of `rawPacket`). Elsewhere the admin API's `{error, message}` shape.
 */
function clientErrorHandler(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail, name] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'request line and headers exceed the server limit; send long filters with POST …/.search (RFC 7644 §3.4.3)',
          'request_too_large',
        ]
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request timeout', 'request_timeout']
        : [400, 'malformed HTTP request', 'invalid_request'];
  // Node hands the raw bytes over as a Buffer (Fastify's typing says otherwise).
  const start = Buffer.isBuffer(err.rawPacket) ? err.rawPacket.toString('latin1', 0, 32) : '';
  const scim = /^[A-Z]+ \/scim\//i.test(start);
  const body = scim
    ? JSON.stringify({
        schemas: [SCIM_MESSAGE.ERROR],
        status: String(status),
        ...(status === 400 ? { scimType: 'invalidSyntax' } : {}),
        detail,
      })
    : JSON.stringify({ error: name, message: detail });
  const type = scim ? `${SCIM_CONTENT_TYPE}; charset=utf-8` : 'application/json; charset=utf-8';
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${type}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/** How much of a too-large body is read and discarded so that the client can read the 413. */
export const MAX_DRAINED_BODY_BYTES = 64 * 1024 * 1024;

/**
 * A body over the limit is answered 413 only after it has been read and discarded: Fastify refuses it
 * before reading and closes the socket, and a client that writes the whole body before reading the
 * answer (Node's http, .NET's HttpClient) then fails with EPIPE instead of seeing the 413 (issue #16).
 * Bodies that announce a length within the limit keep Fastify's own path (no stream in between).
 * Past MAX_DRAINED_BODY_BYTES the connection is closed as before.
 */
function drainingOverLimit(req: FastifyRequest, payload: Readable, limit: number): Readable {
  const announced = Number(req.headers['content-length']);
  if (announced <= limit || (Number.isNaN(announced) && req.headers['transfer-encoding'] === undefined)) {
    return payload;
  }
  // Fastify compares Content-Length with the limit before reading; the stream below decides instead.
  delete req.headers['content-length'];
  let seen = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > MAX_DRAINED_BODY_BYTES) return callback(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      callback(null, seen > limit ? undefined : chunk);
    },
    flush(callback) {
      callback(seen > limit ? new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE() : null);
    },
  });
  return payload.pipe(limiter);
}

export async function createApp(
  env: AppEnv,
  adminToken: string,
  logger: AppLogger = createLogger(env),
  extraModules: Array<Type | DynamicModule> = [],
): Promise<NestFastifyApplication> {
  const proxies = env.TRUST_PROXY;
  // A hop count as the rule Fastify would make of it (its adapter typings leave the number form out).
  const trustProxy =
    typeof proxies === 'number' ? (_address: string, hop: number) => hop < proxies : (proxies ?? false);
  const adapter = new FastifyAdapter({
    bodyLimit: env.SCIM_MAX_BODY_BYTES,
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names: else any caller could
    // write the source IP of their choice into the hash-chained audit trail.
    trustProxy,
    rewriteUrl: (req: { url?: string }) => canonicalScimUrl(req.url ?? '/'),
    // Entra's Tenant URL may carry flags such as `?aadOptscim062020`; unknown params are fine.
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true },
    // The router refuses an over-long or badly percent-encoded path parameter before Nest's filters
    // run (Fastify's own 414/400 JSON). Such a parameter names no resource: answer 404 like any
    // unknown id — in the RFC 7644 §3.12 envelope under /scim/.
    frameworkErrors: (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
      const routing = error.code === 'FST_ERR_MAX_PARAM_LENGTH' || error.code === 'FST_ERR_BAD_URL';
      if ((req.url ?? '').startsWith('/scim/')) {
        return sendScimError(reply, routing ? 404 : 500, routing ? 'resource not found' : 'internal error');
      }
      void reply
        .status(routing ? 404 : 500)
        .header('content-type', 'application/json; charset=utf-8')
        .send(
          routing
            ? { error: 'not_found', message: 'resource not found' }
            : { error: 'internal_error', message: 'internal error' },
        );
    },
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(env, adminToken, extraModules),
    adapter,
    {
      logger,
      bufferLogs: false,
      // Our own guarded JSON parser is registered below.
      bodyParser: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();

  // SCIM clients send application/scim+json, some send application/json or nothing useful at all.
  // Every JSON body of every route goes through the one guard (json-body.ts) before any route sees it.
  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  const parseText = (req: FastifyRequest, text: string): unknown => {
    const out: { err: Error | null; body: unknown } = { err: null, body: undefined };
    // Fastify's default parser (secure-json-parse: prototype poisoning refused) calls back synchronously.
    void jsonParser(req, text, (err, body) => {
      out.err = err;
      out.body = body;
    });
    if (out.err) throw out.err;
    return out.body;
  };
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  const guardedJson = (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      assertIdentityEncoding(req.headers['content-encoding']);
      done(
        null,
        parseJsonBody(body, (text) => parseText(req, text)),
      );
    } catch (err) {
      done(err as Error);
    }
  };
  fastify.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'buffer' }, guardedJson);
  fastify.addContentTypeParser(/^application\/[a-z0-9.+-]*\+json$/i, { parseAs: 'buffer' }, guardedJson);
  // Query strings and path parameters of the admin and session APIs (SCIM routes check their own).
  fastify.addHook('preHandler', (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
    if (req.url.startsWith('/scim/')) return done();
    try {
      assertStorableParameters(req.params, req.query);
      done();
    } catch (err) {
      done(err as Error);
    }
  });

  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const header = req.headers['x-request-id'];
    const correlationId = typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
    void reply.header('x-request-id', correlationId);
    // RFC 7644 §3.1 / Entra: every SCIM response is application/scim+json (set here rather than by an
    // interceptor: cheaper on the hot path, and it covers errors raised before routing too).
    if (req.url.startsWith('/scim/')) void reply.header('content-type', 'application/scim+json; charset=utf-8');
    const context: RequestContextData = { correlationId, sourceIp: req.ip ?? null, actor: { type: 'system' } };
    // Kept on the request too: the onResponse hook reads the actor the guards set, outside the async context.
    (req as { rosterContext?: RequestContextData }).rosterContext = context;
    RequestContext.run(context, done);
  });
  setupOpenApi(app);
  fastify.addHook(
    'onResponse',
    requestObserver(logger.pino, app.get(Metrics, { strict: false }), app.get(ScimTraffic, { strict: false })),
  );

  await registerConsole(fastify);

  fastify.addHook('preParsing', (req: FastifyRequest, _reply: FastifyReply, payload: Readable, done) => {
    done(null, drainingOverLimit(req, payload, env.SCIM_MAX_BODY_BYTES));
  });

  // Fastify's own errors (body too large, malformed JSON) reach Nest's filters through the error
  // handler Nest installs at init: GlobalExceptionFilter renders them, in SCIM form under /scim/.
  return app;
}
