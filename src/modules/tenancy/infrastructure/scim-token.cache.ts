import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import type { ScimPrincipal } from '../public/scim-bearer.constants';

/** The channel token revocations are announced on (payload: the connection id). */
export const TOKEN_REVOKED_CHANNEL = 'roster_scim_token_revoked';
/** Upper bound on how long a cached verification lives, even if a notification were lost. */
const TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: ScimPrincipal;
  hash: Buffer;
  expiresAt: number;
  lastTouchedAt: number;
}

/**
 * Verified SCIM tokens by SHA-256, so a SCIM request costs no authentication round trip. Revocation,
 * rotation and connection deletion invalidate entries synchronously in this process after their
 * commit (before the admin call answers) and, through PostgreSQL NOTIFY, in every other replica
 * within milliseconds. Entries also expire after a minute, and the whole cache is dropped whenever
 * the LISTEN connection is lost, so a missed notification cannot keep a revoked token alive.
 */
@Injectable()
export class ScimTokenCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ScimTokenCache.name);
  private readonly entries = new Map<string, Entry>();
  private listener: Client | undefined;
  private listening = false;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(@Inject(APP_ENV) private readonly env: AppEnv) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    await this.listener?.end().catch(() => undefined);
  }

  get(hashHex: string): Entry | undefined {
    const e = this.entries.get(hashHex);
    if (!e) return undefined;
    if (!this.listening || e.expiresAt < Date.now()) {
      this.entries.delete(hashHex);
      return undefined;
    }
    return e;
  }

  set(hashHex: string, hash: Buffer, principal: ScimPrincipal, lastUsedAt: number): void {
    // Without a live LISTEN connection we cannot hear revocations from other replicas: don't cache.
    if (!this.listening) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hashHex, { principal, hash, expiresAt: Date.now() + TTL_MS, lastTouchedAt: lastUsedAt });
  }

  invalidateConnection(connectionId: string): void {
    for (const [k, e] of this.entries) if (e.principal.connectionId === connectionId) this.entries.delete(k);
  }

  private async listen(): Promise<void> {
    if (this.closed || !this.env.DATABASE_URL) return;
    const client = new Client({
      connectionString: this.env.DATABASE_URL,
      application_name: 'roster-token-cache',
      connectionTimeoutMillis: this.env.DATABASE_CONNECT_TIMEOUT_MS,
    });
    const lost = (why: string) => {
      if (this.listener !== client) return;
      this.listening = false;
      this.entries.clear();
      this.listener = undefined;
      void client.end().catch(() => undefined);
      if (!this.closed) {
        this.logger.warn(`token revocation listener lost (${why}); cache off until it reconnects`);
        this.retry = setTimeout(() => void this.listen(), 1000);
      }
    };
    client.on('error', (err) => lost(err.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (msg) => {
      if (msg.channel === TOKEN_REVOKED_CHANNEL && msg.payload) this.invalidateConnection(msg.payload);
    });
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${TOKEN_REVOKED_CHANNEL}`);
      this.listening = true;
    } catch (err) {
      lost((err as Error).message);
    }
  }
}
