import { Inject, Injectable, Optional } from '@nestjs/common';
import { hash, timingSafeEqual } from 'node:crypto';
import { ADMIN_TOKEN } from './admin-token.constants';
import { API_KEY_VERIFIER, BOOTSTRAP_PRINCIPAL, type ApiKeyVerifier, type Principal } from './principal';

export interface RequestHeadersLike {
  readonly headers: Record<string, string | string[] | undefined>;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Turns a request's credentials into a Principal: the bootstrap ADMIN_TOKEN, or an API key checked
 * by Tenancy's verifier. The one place that knows how a principal is presented (today a bearer in
 * the Authorization header only — a key in a query string would land in access logs).
 */
@Injectable()
export class PrincipalResolver {
  private readonly bootstrapHash: Buffer;

  constructor(
    @Inject(ADMIN_TOKEN) adminToken: string,
    @Optional() @Inject(API_KEY_VERIFIER) private readonly keys: ApiKeyVerifier | null,
  ) {
    this.bootstrapHash = hash('sha256', adminToken, 'buffer');
  }

  /** The caller's principal, or null when the request presents no valid credential. */
  async resolve(request: RequestHeadersLike): Promise<Principal | null> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) return null;
    const secret = match[1];
    if (timingSafeEqual(hash('sha256', secret, 'buffer'), this.bootstrapHash)) return BOOTSTRAP_PRINCIPAL;
    return this.keys ? this.keys.verify(secret) : null;
  }
}
