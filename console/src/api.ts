/** The admin API as the console calls it: same origin, the session cookie, and the console header. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const WORDS: Record<number, string> = {
  400: 'Roster did not accept this request.',
  401: 'Your session has ended. Sign in again.',
  403: 'The key you signed in with is not allowed to do this.',
  404: 'Not found: it may have been deleted, or it belongs to another tenant.',
  409: 'This conflicts with the current state.',
  413: 'The request is too large.',
  429: 'Too many requests. Wait a moment and try again.',
  503: 'Roster cannot reach its database right now. Try again in a moment.',
};

interface ErrorBody {
  message?: unknown;
  details?: Array<{ field?: unknown; problem?: unknown }>;
}

function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  return t[0].toUpperCase() + t.slice(1) + (/[.!?]$/.test(t) ? '' : '.');
}

/** An API error in words: the server's message and each field problem, never a bare status code. */
export function describeError(status: number, body: unknown): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as ErrorBody;
  const parts: string[] = [];
  if (typeof b.message === 'string' && b.message) parts.push(sentence(b.message));
  if (Array.isArray(b.details)) {
    for (const d of b.details) {
      if (typeof d.problem === 'string') parts.push(sentence(d.problem));
    }
  }
  if (parts.length === 0)
    parts.push(WORDS[status] ?? (status >= 500 ? 'Roster could not complete this request.' : 'The request failed.'));
  return parts.join(' ');
}

let onSignedOut: () => void = () => undefined;
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

export const CONSOLE_HEADERS = { 'X-Roster-Console': '1' } as const;

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        ...CONSOLE_HEADERS,
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiError(0, 'Roster did not answer. Check that it is running and try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (a proxy's HTML error page): describeError falls back to words of its own.
  }
  if (!res.ok) {
    if (res.status === 401 && !path.endsWith('/console-sessions')) onSignedOut();
    throw new ApiError(res.status, describeError(res.status, data));
  }
  return data as T;
}

/** A file download through fetch (the console header cannot ride on a plain link). */
export async function download(path: string, fallbackName: string): Promise<string> {
  const res = await fetch(path, { credentials: 'same-origin', headers: CONSOLE_HEADERS });
  if (!res.ok) {
    let data: unknown;
    try {
      data = await res.json();
    } catch {
      data = undefined;
    }
    throw new ApiError(res.status, describeError(res.status, data));
  }
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}

export const qs = (params: Record<string, string | number | boolean | undefined | null>): string => {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
};
