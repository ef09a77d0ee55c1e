import { randomUUID } from 'node:crypto';
import { ConsoleLogger, type DynamicModule, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import type { AppEnv } from './config/env.schema';
import { RequestContext } from './shared/http/request-context';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

export function createLogger(env: AppEnv): ConsoleLogger {
  const json = env.LOG_FORMAT ? env.LOG_FORMAT === 'json' : env.NODE_ENV === 'production';
  return new ConsoleLogger({ json, colors: !json && process.stdout.isTTY, logLevels: LEVELS.slice(0, LEVELS.indexOf(env.LOG_LEVEL) + 1) });
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

export async function createApp(
  env: AppEnv,
  adminToken: string,
  logger = createLogger(env),
  extraModules: Array<Type | DynamicModule> = [],
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: env.SCIM_MAX_BODY_BYTES,
    trustProxy: true,
    rewriteUrl: (req: { url?: string }) => canonicalScimUrl(req.url ?? '/'),
    // Entra's Tenant URL may carry flags such as `?aadOptscim062020`; unknown params are fine.
    routerOptions: { maxParamLength: 500, ignoreTrailingSlash: true },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(env, adminToken, extraModules), adapter, {
    logger,
    bufferLogs: false,
    // Our own lenient JSON parsers are registered below.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();

  // SCIM clients send application/scim+json, some send application/json or nothing useful at all.
  // An empty body (DELETE with a Content-Type) is "no body", not a JSON error.
  const jsonParser = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json']);
  const lenientJson = (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    jsonParser(req, text, done);
  };
  fastify.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string' }, lenientJson);
  fastify.addContentTypeParser(/^application\/[a-z0-9.+-]*\+json$/i, { parseAs: 'string' }, lenientJson);

  fastify.addHook('onRequest', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const header = req.headers['x-request-id'];
    const correlationId = typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
    void reply.header('x-request-id', correlationId);
    RequestContext.run({ correlationId, sourceIp: req.ip ?? null, actor: { type: 'system' } }, done);
  });

  // Fastify's own errors (body too large, malformed JSON) reach Nest's filters through the error
  // handler Nest installs at init: GlobalExceptionFilter renders them, in SCIM form under /scim/.
  return app;
}
