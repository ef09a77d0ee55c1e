import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** No inline script or style anywhere: the bundle is files from this origin only. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** console/dist from src/ (ts-node, tests) or from dist/src/ (npm start). */
export function consoleDistDir(): string | null {
  for (const dir of [join(__dirname, '../../../../console/dist'), join(__dirname, '../../../../../console/dist')]) {
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return null;
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin');
}

/**
 * Serves the admin console at /console from this process: hashed assets cached for a year
 * (immutable), index.html never cached so a deploy is picked up at once; any other /console/*
 * path is the single-page app's route and gets index.html.
 */
export async function registerConsole(fastify: FastifyInstance, dist = consoleDistDir()): Promise<void> {
  const index = dist ? readFileSync(join(dist, 'index.html')) : null;
  const page = (_req: unknown, reply: FastifyReply) => {
    securityHeaders(reply).header('cache-control', 'no-cache');
    if (!index) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build` (it builds the server and console/).');
    }
    return reply.type('text/html; charset=utf-8').send(index);
  };
  if (dist) {
    await fastify.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: '/console/assets/',
      index: false,
      wildcard: true,
      decorateReply: false,
      cacheControl: true,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => {
        void res.header('x-content-type-options', 'nosniff').header('content-security-policy', CONSOLE_CSP);
      },
    });
  }
  fastify.get('/console', page);
  fastify.get('/console/*', page);
  fastify.get('/', (_req, reply) => reply.redirect('/console/', 302));
}
