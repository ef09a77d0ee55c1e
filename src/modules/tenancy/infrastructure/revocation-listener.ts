import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import type { Client } from 'pg';
import { BoundedClient } from '../../../shared/database/bounded-client';
import { sqlRows } from '../../../shared/database/sql';
import { TransactionHost } from '../../../shared/database/transaction-host';

/** SCIM token revocations (payload: the connection id). */
export const TOKEN_REVOKED_CHANNEL = 'roster_scim_token_revoked';
/** API key revocations (payload: the key id). */
export const API_KEY_REVOKED_CHANNEL = 'roster_api_key_revoked';
const CHANNELS = [TOKEN_REVOKED_CHANNEL, API_KEY_REVOKED_CHANNEL] as const;
export type RevocationChannel = (typeof CHANNELS)[number];
/** Each listener says here that it applied a revocation (payload: `<channel>|<payload>`). */
const ACK_CHANNEL = 'roster_revocation_ack';
const LISTENER_APPLICATION_NAME = 'roster-token-cache';
const ACK_TIMEOUT_MS = 1000;
/** How often the idle LISTEN connection proves the database still answers, and the most a proof may take. */
const CHECK_EVERY_MS = 5000;
const CHECK_BOUND_MS = 5000;

interface Pending {
  acks: number;
  needed: number;
  done: () => void;
}

interface Subscriber {
  onRevoked(payload: string): void;
  /** The connection is lost: anything cached may have missed a revocation. */
  onLost(): void;
}

/**
 * One LISTEN connection per process for the revocations other replicas announce, feeding the
 * credential caches (SCIM tokens, API keys). While it is down `listening` is false and the caches
 * neither serve nor store entries; it reconnects every second. A listener acknowledges each
 * revocation it applied, so the replica that revoked can wait until every replica has.
 *
 * A LISTEN connection is idle: a database gone silent (a partition, nothing closed) would never
 * fail it, and the caches would keep serving tokens another replica revoked meanwhile. So it has
 * TCP keepalive, and every CHECK_EVERY_MS runs `SELECT 1` under a client-side bound (BoundedClient
 * destroys the socket when it passes): silence is noticed within CHECK_EVERY_MS + the bound, the
 * caches go off and the connection is replaced.
 */
@Injectable()
export class RevocationListener implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RevocationListener.name);
  private readonly subscribers = new Map<RevocationChannel, Subscriber[]>();
  private readonly pending = new Map<string, Pending[]>();
  private listener: Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private check: NodeJS.Timeout | undefined;
  listening = false;

  constructor(
    @Inject(APP_ENV) private readonly env: AppEnv,
    private readonly tx: TransactionHost,
  ) {}

  subscribe(channel: RevocationChannel, subscriber: Subscriber): void {
    this.subscribers.set(channel, [...(this.subscribers.get(channel) ?? []), subscriber]);
  }

  /** NOTIFY every listening replica (this one included) when the current transaction commits. */
  async notify(channel: RevocationChannel, payload: string): Promise<void> {
    await this.tx.manager.query(`SELECT pg_notify($1, $2)`, [channel, payload]);
  }

  /**
   * Announces a revocation to every replica, this one included, when the current transaction
   * commits. Await `everywhere()` of the answer after the commit: it resolves once every replica
   * with a live listener has applied it (each acknowledges on ACK_CHANNEL), at most after a second.
   */
  async announce(channel: RevocationChannel, payload: string): Promise<{ everywhere(): Promise<void> }> {
    const key = `${channel}|${payload}`;
    const pending: Pending = { acks: 0, needed: Infinity, done: () => undefined };
    const settled = new Promise<void>((resolve) => (pending.done = resolve));
    this.pending.set(key, [...(this.pending.get(key) ?? []), pending]);
    const finish = () => {
      clearTimeout(expiry);
      const rest = (this.pending.get(key) ?? []).filter((p) => p !== pending);
      if (rest.length > 0) this.pending.set(key, rest);
      else this.pending.delete(key);
      pending.done();
    };
    // Forgotten if nobody waits for it (the transaction rolled back).
    const expiry = setTimeout(finish, 10 * ACK_TIMEOUT_MS);
    expiry.unref();
    try {
      await this.notify(channel, payload);
    } catch (err) {
      finish();
      throw err;
    }
    return {
      everywhere: async () => {
        const timer = setTimeout(() => {
          this.logger.warn(`revocation ${channel} not acknowledged by every replica within ${ACK_TIMEOUT_MS} ms`);
          finish();
        }, ACK_TIMEOUT_MS);
        try {
          // Every live listener of this database, this process's included: each must acknowledge.
          const [row] = await sqlRows<{ n: number }>(
            this.tx.manager,
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
            [LISTENER_APPLICATION_NAME],
          );
          pending.needed = row.n;
          if (pending.acks >= pending.needed) finish();
          await settled;
        } finally {
          clearTimeout(timer);
          finish();
        }
      },
    };
  }

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.check) clearInterval(this.check);
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    if (this.closed || !this.env.DATABASE_URL) return;
    // Typed as pg's Client: BoundedClient's query() override is declared `never` for its many overloads.
    const client: Client = new BoundedClient({
      connectionString: this.env.DATABASE_URL,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: this.env.DATABASE_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      roster_statement_bound_ms: Math.min(CHECK_BOUND_MS, this.env.DATABASE_STATEMENT_TIMEOUT_MS || CHECK_BOUND_MS),
    });
    const lost = (why: string) => {
      if (this.listener !== client) return;
      this.listening = false;
      if (this.check) clearInterval(this.check);
      this.check = undefined;
      for (const subs of this.subscribers.values()) for (const s of subs) s.onLost();
      this.listener = undefined;
      void client.end().catch(() => undefined);
      if (!this.closed) {
        this.logger.warn(`revocation listener lost (${why}); credential caches off until it reconnects`);
        this.retry = setTimeout(() => void this.listen(), 1000);
      }
    };
    client.on('error', (err) => lost(err.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      if (msg.channel === ACK_CHANNEL) {
        for (const p of this.pending.get(msg.payload) ?? []) if (++p.acks >= p.needed) p.done();
        return;
      }
      for (const s of this.subscribers.get(msg.channel as RevocationChannel) ?? []) s.onRevoked(msg.payload);
      // Applied (synchronously, above): tell whoever revoked it.
      client.query(`SELECT pg_notify($1, $2)`, [ACK_CHANNEL, `${msg.channel}|${msg.payload}`]).catch(() => undefined);
    });
    this.listener = client;
    try {
      await client.connect();
      for (const channel of [...CHANNELS, ACK_CHANNEL]) await client.query(`LISTEN ${channel}`);
      this.listening = true;
      this.check = setInterval(
        () => void client.query('SELECT 1').catch((err: Error) => lost(err.message)),
        CHECK_EVERY_MS,
      );
      this.check.unref();
    } catch (err) {
      lost((err as Error).message);
    }
  }
}
