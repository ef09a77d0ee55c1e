import type { AppEnv } from '../../config/env.schema';

/** The header the console sends on every API call: a cross-site page cannot set it without a CORS preflight Roster never grants. */
export const CONSOLE_HEADER = 'x-roster-console';

/** `__Host-` pins the cookie to this origin (Secure, Path=/, no Domain) where the browser allows it. */
export function consoleCookieName(env: Pick<AppEnv, 'PUBLIC_URL'>): string {
  return consoleCookieSecure(env) ? '__Host-roster_console' : 'roster_console';
}

export function consoleCookieSecure(env: Pick<AppEnv, 'PUBLIC_URL'>): boolean {
  return env.PUBLIC_URL.startsWith('https:');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

interface RequestLike {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * CSRF defence for cookie-authenticated calls (OWASP: custom request header + Origin verification):
 * the custom header must be there, and an Origin, when sent (browsers send it on every unsafe
 * method), must be Roster's own — PUBLIC_URL's origin or the Host the request was sent to.
 */
export function consoleRequestIsSameOrigin(req: RequestLike, env: Pick<AppEnv, 'PUBLIC_URL'>): boolean {
  if (req.headers[CONSOLE_HEADER] !== '1') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return req.method === 'GET' || req.method === 'HEAD';
  if (typeof origin !== 'string') return false;
  if (origin === new URL(env.PUBLIC_URL).origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
