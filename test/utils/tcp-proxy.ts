import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay between the app and its PostgreSQL, so a test can take the database away the way an
 * outage does: `cut()` drops every open connection and refuses new ones (server down), `blackhole()`
 * drops them and then accepts new ones without ever answering (a host that vanished from the
 * network), `freeze()` keeps every connection open but forwards nothing either way and accepts new
 * ones without answering (a partition: packets dropped, nothing closed), `restore()` relays again on
 * the same port.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private mode: 'relay' | 'blackhole' = 'relay';
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();

  private constructor(
    private readonly target: { host: string; port: number },
    public port = 0,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await proxy.listen();
    return proxy;
  }

  /** `url` with its host and port pointing at this proxy. */
  urlFor(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  async cut(): Promise<void> {
    await this.close();
  }

  async blackhole(): Promise<void> {
    this.dropAll();
    this.mode = 'blackhole';
    if (!this.server) await this.listen();
  }

  async freeze(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    this.mode = 'blackhole';
    if (!this.server) await this.listen();
  }

  /** Client connections (the app's side) open right now. */
  get openClientConnections(): number {
    let n = 0;
    for (const { client } of this.pairs) if (!client.destroyed) n++;
    return n;
  }

  async restore(): Promise<void> {
    this.dropAll();
    this.mode = 'relay';
    if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private dropAll(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
  }

  private listen(): Promise<void> {
    const server = createServer((client) => {
      this.track(client);
      if (this.mode === 'blackhole') return; // accepted, never answered
      const upstream = connect(this.target.port, this.target.host);
      this.track(upstream);
      const pair = { client, upstream };
      this.pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => {
        upstream.destroy();
        this.pairs.delete(pair);
      });
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  }
}
