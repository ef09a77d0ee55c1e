/** What an admin API key may reach: `admin` everything, `tenant` one tenant, `sessions` the sessions API. */
export type KeyScope = 'admin' | 'tenant' | 'sessions';

/** Who is calling the admin API: the key presented (as a bearer, or behind a console session). */
export interface Principal {
  readonly keyId: string;
  readonly keyName: string;
  readonly scope: KeyScope;
  readonly tenantId: string | null;
}

/** Checks an API key's secret; the console exchanges keys through it, the guard checks bearers with it. */
export abstract class ApiKeyVerifier {
  abstract verify(secret: string): Promise<Principal | null>;
  /** False once the key is revoked: a console session made from it ends with it. */
  abstract isActive(keyId: string): Promise<boolean>;
}

/** Resolves the console's session cookie to the principal of the key it was exchanged for. */
export abstract class ConsoleSessionResolver {
  abstract resolve(secret: string): Promise<{ sessionId: string; principal: Principal } | null>;
}
